/**
 * The HTTP half of `npm run bench`: Folio's production server (`node server/start.ts`) on a free
 * port against a fresh, seeded database, and autocannon runs against it.
 */
import autocannon from 'autocannon';
import { join } from 'node:path';
import { seedTarget } from '../seed.ts';
import { BENCH_RATE_LIMITS } from './env.ts';
import { createScratchDatabase, describeTarget, openDatabase, type DatabaseTarget } from '../lib/database.ts';
import { spawnFolio } from '../lib/folio-process.ts';
import { summarize } from './stats.ts';

export { hasBuild } from '../lib/folio-process.ts';

export interface BenchServer {
  baseUrl: string;
  database: string;
  logFile: string;
  /** Ids of the published seeded posts, in a scrambled order. */
  ids: string[];
  seedMs: number;
  stop(): Promise<void>;
}

/**
 * Seeds a fresh database — a PGlite directory under `scratch`, or a new database on the
 * PostgreSQL server `postgresServerUrl` (dropped again by stop()) — then starts the server on it.
 * `track` registers cleanup as soon as there is something to clean, so an error midway leaves nothing behind.
 */
export async function startBenchServer(options: {
  root: string;
  scratch: string;
  posts: number;
  postgresServerUrl?: string;
  track: (cleanup: () => Promise<void>) => void;
  print: (line: string) => void;
}): Promise<BenchServer> {
  let target: DatabaseTarget;
  if (options.postgresServerUrl) {
    const scratchDb = await createScratchDatabase(options.postgresServerUrl, 'folio_bench');
    options.track(() => scratchDb.drop());
    target = { kind: 'postgres', url: scratchDb.url };
  } else {
    target = { kind: 'pglite', dir: join(options.scratch, 'pglite') };
  }
  const database = describeTarget(target);
  options.print(`Seeding ${options.posts.toLocaleString('en')} posts into ${database} …`);
  const seeded = await seedTarget(
    target,
    { posts: options.posts, authors: 12, seed: 1, batchSize: 500, until: Date.now() },
    (line) => options.print(`  ${line}`),
  );

  // Sample ids before the server owns the database (a PGlite directory takes one process at a time).
  const db = await openDatabase(target, { poolSize: 1 });
  let ids: string[];
  try {
    // Published posts only: a draft is 404 to an anonymous caller.
    const rows = await db.selectFrom('posts').select('id').where('status', '=', 'published').orderBy('id').execute();
    ids = rows.map((r) => r.id);
  } finally {
    await db.destroy();
  }
  // A fixed scramble: consecutive requests hit unrelated rows.
  for (let i = ids.length - 1, x = 12345; i > 0; i--) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const j = x % (i + 1);
    [ids[i], ids[j]] = [ids[j] as string, ids[i] as string];
  }

  const server = await spawnFolio({
    root: options.root,
    logFile: join(options.scratch, 'server.log'),
    env: {
      DATABASE_URL: target.kind === 'postgres' ? target.url : '',
      FOLIO_PGLITE_DIR: target.kind === 'pglite' ? target.dir : '',
      FOLIO_RATE_LIMITS: BENCH_RATE_LIMITS,
      // The bare route the bound GET is compared with (server/bench/bare-get-post.ts).
      FOLIO_BENCH_ROUTES: '1',
      // Rate limits counted in Redis when BENCH_REDIS_URL names one; else where the database says (README).
      REDIS_URL: process.env.BENCH_REDIS_URL ?? '',
      FOLIO_REDIS_PREFIX: `folio-bench:${process.pid}:`,
    },
    ready: { path: '/api/v1/posts?limit=1', status: 200 },
    onSpawn: options.track,
  });
  return { baseUrl: server.baseUrl, database, logFile: server.logFile, ids, seedMs: seeded.ms, stop: server.stop };
}

export interface LoadResult {
  name: string;
  requests: number;
  requestsPerSecond: number;
  /** Latency of 2xx responses, ms, from autocannon's per-response timings (finer than its histogram). */
  p50: number;
  p99: number;
  mean: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
}

/** One autocannon run. `paths` are requested in turn across all connections. */
export async function load(options: {
  name: string;
  baseUrl: string;
  paths: string[];
  connections: number;
  durationSeconds: number;
}): Promise<LoadResult> {
  let next = 0;
  const paths = options.paths;
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.baseUrl,
        connections: options.connections,
        duration: options.durationSeconds,
        requests: [
          {
            method: 'GET',
            setupRequest: (request) => ({ ...request, path: paths[next++ % paths.length] as string }),
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    });
  });
  const latency = summarize(latencies);
  const statusCodes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = Number((stat as { count: number }).count);
  return {
    name: options.name,
    requests: result.requests.total,
    requestsPerSecond: result.requests.total / result.duration,
    p50: latency.median,
    p99: latency.p99,
    mean: latency.mean,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
  };
}
