/**
 * Part (b) of `npm run bench`: the production server on a freshly seeded database, and autocannon
 * on each endpoint after a warm-up. Needs a production build (`npx next build`).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { track } from './cleanup.ts';
import { BENCH_RATE_LIMITS } from './env.ts';
import { hasBuild, load, startBenchServer, type LoadResult } from './http.ts';
import { indent } from './print.ts';
import { signInBurst } from './signin-burst.ts';
import type { BenchSettings } from './settings.ts';
import { ms } from './stats.ts';

/** The bound GET /api/v1/posts/{id} against the bare route doing the same query, on the same server and ids. */
export interface HttpComparison {
  bound: LoadResult[];
  bare: LoadResult[];
  /** Bound requests per second over bare ones (total requests over total time of each). */
  ratio: number;
  /** Whether both answered the first id with status 200 and the same JSON. */
  sameResponse: boolean;
}

export interface HttpRun {
  database: string;
  seedMs: number;
  comparison: HttpComparison;
  results: LoadResult[];
}

const rate = (runs: LoadResult[]) => runs.reduce((sum, r) => sum + r.requests, 0) / runs.reduce((sum, r) => sum + r.requests / r.requestsPerSecond, 0);

/** Bound, bare, bare, bound, twice: neither side always runs while the machine is busier with something else. */
const ORDER = ['bound', 'bare', 'bare', 'bound', 'bound', 'bare', 'bare', 'bound'] as const;

/** After a warm-up of each, bound and bare alternate in ORDER, each turn a quarter of the duration (at least a second). */
async function compareWithBare(baseUrl: string, ids: string[], settings: BenchSettings): Promise<HttpComparison> {
  const bound = ids.map((id) => `/api/v1/posts/${id}`);
  const bare = ids.map((id) => `/api/bench/posts/${id}`);
  const [a, b] = await Promise.all([fetch(`${baseUrl}${bound[0]}`), fetch(`${baseUrl}${bare[0]}`)]);
  const sameResponse = a.status === 200 && b.status === 200 && isDeepStrictEqual(await a.json(), await b.json());
  const run = (paths: string[], name: string, durationSeconds: number) =>
    load({ baseUrl, paths, connections: settings.connections, name, durationSeconds });
  const turn = Math.max(1, settings.duration / 4);
  console.log(`  bound GET /api/v1/posts/{id} vs bare route.ts (same query, same ids): warm-up ${settings.warmup} s each, then ${ORDER.length} × ${turn} s alternating …`);
  await run(bound, 'bound', settings.warmup);
  await run(bare, 'bare', settings.warmup);
  const results = { bound: [] as LoadResult[], bare: [] as LoadResult[] };
  for (const which of ORDER) {
    results[which].push(await run(which === 'bound' ? bound : bare, which, turn));
  }
  const ratio = rate(results.bound) / rate(results.bare);
  console.log(
    `    bound ${Math.round(rate(results.bound)).toLocaleString('en')} req/s, bare ${Math.round(rate(results.bare)).toLocaleString('en')} req/s: ` +
      `${ratio.toFixed(3)}× (${sameResponse ? 'same body' : 'DIFFERENT body'})`,
  );
  return { ...results, ratio, sameResponse };
}

/** The newest modification time of the sources a build is made from. */
function newestSource(root: string): number {
  let newest = 0;
  const walk = (path: string) => {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) for (const entry of readdirSync(path)) walk(join(path, entry));
    else newest = Math.max(newest, stat.mtimeMs);
  };
  for (const part of ['app', 'server', 'contracts', 'next.config.ts', 'openapi.json']) walk(join(root, part));
  return newest;
}

/** Whether there is a production build to measure; with `build`, makes one when there is none. */
export function ensureBuild(root: string, build: boolean): boolean {
  if (!hasBuild(root)) {
    if (!build) {
      console.log(
        '\n  No production build (.next/BUILD_ID is missing), so the HTTP part cannot run.\n' +
          '  Build first with `npx next build`, or run `npm run bench -- --build` to build now.',
      );
      return false;
    }
    console.log('\n  No production build: running `npx next build` …');
    const built = spawnSync('npx', ['next', 'build'], { cwd: root, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
    if (built.status !== 0 || !hasBuild(root)) {
      console.log('  `next build` failed; skipping the HTTP part.');
      return false;
    }
  }
  const builtAt = statSync(join(root, '.next/BUILD_ID')).mtimeMs;
  if (newestSource(root) > builtAt) console.log('\n  Note: app/, server/ or contracts/ changed after the last build; run `npx next build` to measure the current code.');
  return true;
}

export async function runHttp(root: string, settings: BenchSettings): Promise<HttpRun> {
  const scratch = mkdtempSync(join(tmpdir(), 'folio-bench-'));
  track(async () => rmSync(scratch, { recursive: true, force: true }));
  const postgres = process.env.BENCH_DATABASE_URL || undefined;
  let logFile: string | undefined;
  try {
    const server = await startBenchServer({
      root,
      scratch,
      posts: settings.posts,
      postgresServerUrl: postgres,
      track,
      print: (line) => console.log(`  ${line}`),
    });
    logFile = server.logFile;
    const store = process.env.BENCH_REDIS_URL ? 'Redis' : postgres ? 'PostgreSQL' : 'in process';
    console.log(`  Server up at ${server.baseUrl} (NODE_ENV=production, ${server.database}, FOLIO_RATE_LIMITS=${BENCH_RATE_LIMITS}, counted ${store}).`);
    const comparison = await compareWithBare(server.baseUrl, server.ids.slice(0, 2000), settings);
    const endpoints = [
      { name: 'GET /api/v1/posts/{id}', paths: server.ids.slice(0, 2000).map((id) => `/api/v1/posts/${id}`) },
      { name: 'GET /api/v1/posts?limit=20', paths: ['/api/v1/posts?limit=20'] },
      // Full-text search (ranked, GIN index): common and rare terms, a phrase and an exclusion.
      {
        name: 'GET /api/v1/posts?q=…&limit=20',
        paths: ['postgresql', 'caching', 'keyset pagination', '"connection pooling"', 'idempotency -rust', 'Zürich'].map(
          (q) => `/api/v1/posts?q=${encodeURIComponent(q)}&limit=20`,
        ),
      },
    ];
    const results: LoadResult[] = [];
    for (const endpoint of endpoints) {
      const common = { baseUrl: server.baseUrl, paths: endpoint.paths, connections: settings.connections };
      console.log(`  ${endpoint.name}: warm-up ${settings.warmup} s, then ${settings.duration} s with ${settings.connections} connections …`);
      await load({ ...common, name: endpoint.name, durationSeconds: settings.warmup });
      const result = await load({ ...common, name: endpoint.name, durationSeconds: settings.duration });
      results.push(result);
      const codes = Object.entries(result.statusCodes)
        .map(([code, n]) => `${code}×${n}`)
        .join(' ');
      console.log(
        `    ${Math.round(result.requestsPerSecond).toLocaleString('en')} req/s, p50 ${ms(result.p50)}, p99 ${ms(result.p99)}, ` +
          `non-2xx ${result.non2xx}, errors ${result.errors} (statuses: ${codes})`,
      );
    }
    console.log('  A sign-in burst: 40 sign-ins at a time, without pause, while one client reads posts one by one …');
    const burst = await signInBurst(server.baseUrl, server.ids.slice(0, 200).map((id) => `/api/v1/posts/${id}`), { concurrency: 40, reads: 300 });
    console.log(
      `    reads alone: p50 ${ms(burst.quiet.median)}, p99 ${ms(burst.quiet.p99)}; during the burst: p50 ${ms(burst.burst.median)}, p99 ${ms(burst.burst.p99)} ` +
        `(p99 ${(burst.burst.p99 / burst.quiet.p99).toFixed(1)}× quiet); sign-ins: ${burst.signIns.ok} issued, ${burst.signIns.refused} refused (503/429), ${burst.signIns.other} other`,
    );
    return { database: server.database, seedMs: server.seedMs, comparison, results };
  } catch (error) {
    if (logFile) {
      const tail = readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-20).join('\n');
      console.error(`  The server's last log lines:\n${indent(tail, 4)}`);
    }
    throw error;
  }
}
