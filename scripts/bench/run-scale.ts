/**
 * `npm run bench -- --scale`: Folio at a million posts. Seeds a scratch PostgreSQL database (the
 * COPY seed, timed), starts the production server on it, and for each request of the list below
 * reports latency alone (one request at a time, from a process of its own: p50/p99, with the
 * garbage collections meanwhile of the server and of that process, scripts/bench/gc-trace.ts) and
 * throughput at `connections` concurrent connections. Opt-in: it takes minutes and gigabytes, and
 * never runs in CI. `--scale-database URL` measures an already seeded database instead of seeding one.
 */
import type { Kysely } from 'kysely';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { encodeCursor } from '../../server/db/cursor.ts';
import type { Database } from '../../server/db/schema.ts';
import { createScratchDatabase, openDatabase } from '../lib/database.ts';
import { spawnFolio } from '../lib/folio-process.ts';
import { ERA_WORD } from '../lib/sample-posts.ts';
import { seedTarget } from '../seed.ts';
import { BENCH_RATE_LIMITS } from './env.ts';
import { load } from './http.ts';
import type { AloneResult } from './alone.ts';
import { killOnCleanUp } from './cleanup.ts';
import { describeGc, gcSince, logOffset, type GcActivity } from './gc-trace.ts';
import { ms, summarize, table } from './stats.ts';

export interface ScaleOptions {
  root: string;
  scratch: string;
  posts: number;
  /** A PostgreSQL server to create the scratch database on. */
  serverUrl: string;
  /** Or a database seeded before: measured as it is, never dropped. */
  existingUrl?: string;
  connections: number;
  durationSeconds: number;
  track: (cleanup: () => Promise<void>) => void;
}

/** What each case requests; `at` is filled from the database (a real id, a deep cursor, an author). */
interface Case {
  name: string;
  path: (at: Anchors) => string;
}

interface Anchors {
  ids: string[];
  deepCursor: string;
  author: string;
  tag: string;
}

const CASES: Case[] = [
  { name: 'list, page 1 (limit 20)', path: () => '/api/v1/posts?limit=20' },
  { name: 'list at depth 10,000 (limit 100)', path: (a) => `/api/v1/posts?limit=100&cursor=${a.deepCursor}` },
  { name: 'search, common word (caching)', path: () => '/api/v1/posts?q=caching' },
  { name: 'search, rare word (Ångström)', path: () => `/api/v1/posts?q=${encodeURIComponent('Ångström')}` },
  { name: 'search, absent word (zebra)', path: () => '/api/v1/posts?q=zebra' },
  { name: 'search, absent word (xylophone)', path: () => '/api/v1/posts?q=xylophone' },
  { name: `search, a word only in the oldest posts (${ERA_WORD})`, path: () => `/api/v1/posts?q=${ERA_WORD}` },
  { name: 'search, multi-term (postgres index latency)', path: () => `/api/v1/posts?q=${encodeURIComponent('postgres index latency')}` },
  { name: 'search, phrase and exclusion', path: () => `/api/v1/posts?q=${encodeURIComponent('"connection pooling" -kubernetes')}` },
  { name: 'filter by tag', path: (a) => `/api/v1/posts?tag=${a.tag}` },
  { name: 'filter by absent tag', path: () => '/api/v1/posts?tag=no-such-tag' },
  { name: 'filter by author', path: (a) => `/api/v1/posts?author=${a.author}` },
  { name: 'get one post', path: (a) => `/api/v1/posts/${a.ids[0]}` },
  { name: 'tags', path: () => '/api/v1/tags' },
];

async function anchors(db: Kysely<Database>): Promise<Anchors> {
  const ids = (await db.selectFrom('posts').select('id').where('status', '=', 'published').orderBy('id').limit(1000).execute()).map((r) => r.id);
  const deep = await db
    .selectFrom('posts')
    .select(['id', 'created_at'])
    .where('status', '=', 'published')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .offset(9_999)
    .limit(1)
    .executeTakeFirstOrThrow();
  const author = await db.selectFrom('users').innerJoin('posts', 'posts.author_id', 'users.id').select('users.username').limit(1).executeTakeFirstOrThrow();
  const tag = await db.selectFrom('tag_counts').select('tag').orderBy('count', 'desc').limit(1).executeTakeFirstOrThrow();
  return { ids, deepCursor: encodeCursor({ createdAt: deep.created_at, id: deep.id }), author: author.username, tag: tag.tag };
}

/**
 * Requests made one at a time for each case: enough that the 99th percentile is one (of 40, it
 * was the slowest request), after enough unmeasured ones that the first touches of a case's pages
 * and plans — its first requests after the previous case, or after the server started — are not
 * what is measured.
 */
const ALONE_SAMPLES = 200;
const ALONE_WARMUP = 20;

/**
 * One case's requests one at a time, made by scripts/bench/alone.ts in a process of its own (its
 * comment says why): each request's latency after ALONE_WARMUP unmeasured ones, the collections
 * the server's log (`serverLog`) traced while the measured ones ran, and the client's own.
 */
async function alone(
  options: Pick<ScaleOptions, 'root' | 'track'>,
  url: string,
  serverLog: string,
): Promise<{ p50: number; p99: number; status: number; gc: GcActivity; clientGc: GcActivity }> {
  const child = spawn(process.execPath, ['scripts/bench/alone.ts', url, String(ALONE_SAMPLES), String(ALONE_WARMUP)], { cwd: options.root, stdio: ['ignore', 'pipe', 'inherit'] });
  // Stopped with the rest on Ctrl-C, like every process the bench starts.
  killOnCleanUp(child, options.track);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let from: number | undefined;
  let result: AloneResult | undefined;
  for await (const line of createInterface({ input: child.stdout })) {
    if (line === 'measuring') from = logOffset(serverLog);
    else if (line.startsWith('{')) result = JSON.parse(line) as AloneResult;
  }
  const code = await exited;
  if (from === undefined || !result) throw new Error(`scripts/bench/alone.ts ${url} failed (exit code ${code})`);
  const s = summarize(result.times);
  return { p50: s.median, p99: s.p99, status: result.status, gc: gcSince(serverLog, from), clientGc: result.gc };
}

export async function runScale(options: ScaleOptions, print: (line: string) => void = console.log): Promise<void> {
  let url = options.existingUrl;
  if (!url) {
    const scratch = await createScratchDatabase(options.serverUrl, 'folio_scale');
    options.track(() => scratch.drop());
    url = scratch.url;
    print(`Seeding ${options.posts.toLocaleString('en')} posts into a scratch PostgreSQL database …`);
    const started = performance.now();
    const seeded = await seedTarget({ kind: 'postgres', url }, { posts: options.posts, authors: 12, seed: 1, batchSize: 2000, until: Date.now() }, (line) =>
      print(`  ${line}`),
    );
    print(`Seed: ${seeded.inserted.toLocaleString('en')} posts in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  const db = await openDatabase({ kind: 'postgres', url }, { poolSize: 1 });
  let at: Anchors;
  try {
    at = await anchors(db);
  } finally {
    await db.destroy();
  }
  const server = await spawnFolio({
    root: options.root,
    logFile: join(options.scratch, 'scale-server.log'),
    env: { DATABASE_URL: url, FOLIO_PGLITE_DIR: '', FOLIO_RATE_LIMITS: BENCH_RATE_LIMITS, LOG_LEVEL: 'warn' },
    nodeFlags: ['--trace-gc'],
    ready: { path: '/api/v1/posts?limit=1', status: 200 },
    onSpawn: options.track,
  });
  print(`Each case: ${ALONE_SAMPLES} requests one at a time (after ${ALONE_WARMUP} unmeasured), then ${options.durationSeconds} s at ${options.connections} connections.`);
  const rows: string[][] = [];
  for (const c of CASES) {
    const path = c.path(at);
    const single = await alone(options, `${server.baseUrl}${path}`, server.logFile);
    const gc = describeGc(single.gc);
    const clientGc = describeGc(single.clientGc);
    const loaded = await load({ name: c.name, baseUrl: server.baseUrl, paths: [path], connections: options.connections, durationSeconds: options.durationSeconds });
    rows.push([c.name, String(single.status), ms(single.p50), ms(single.p99), gc, clientGc, loaded.requestsPerSecond.toFixed(0), ms(loaded.p99)]);
    print(`  ${c.name}: p50 ${ms(single.p50)}, p99 ${ms(single.p99)} (GC meanwhile: server ${gc}; client ${clientGc}), ${loaded.requestsPerSecond.toFixed(0)} req/s`);
  }
  print('');
  print(table(['request', 'status', 'p50 alone', 'p99 alone', 'server GC while alone', 'client GC', `req/s at ${options.connections}`, `p99 at ${options.connections}`], rows));
}
