/**
 * `npm run bench [-- --quick] [-- --duration 10 --connections 10 --posts 5000 --build …]`: a
 * measurement tool, not a test — it asserts nothing about speed.
 *
 * (a) In process: each bound operation (server/posts/handlers.ts) against a bare route handler
 *     making the same service call, on an in-memory PGlite; once with the per-request log line
 *     written (LOG_LEVEL=info, into a pipe this process drains) and once with LOG_LEVEL=silent.
 *     Target: the binding adds at most 10% (median bound/bare ≤ 1.10, with logging).
 * (b) Over HTTP: the production server (`node server/start.ts`, needs `npx next build`) on a free
 *     port against a fresh PGlite directory — or a scratch database on the PostgreSQL server in
 *     BENCH_DATABASE_URL — seeded first. First the bound GET /api/v1/posts/{id} against a bare
 *     route.ts making the same query on the same server (GET /api/bench/posts/{id}, served only
 *     because the bench sets FOLIO_BENCH_ROUTES=1), alternating; target: the bound one serves at
 *     least 90% of the bare one's requests per second. Then autocannon on GET /api/v1/posts/{id}
 *     (ids in turn), GET /api/v1/posts?limit=20 and search, each after a warm-up.
 *
 * Flags (environment in brackets): --duration s [BENCH_DURATION] (10), --warmup s [BENCH_WARMUP] (3),
 * --connections n [BENCH_CONNECTIONS] (10), --posts n [BENCH_POSTS] (5000, seeded for (b)),
 * --rounds n (20), --calls n (250 a round), --inproc-posts n (500), --quick (short everything),
 * --build (run `next build` when there is none), --skip-inproc, --skip-http.
 * Rate limits: unless FOLIO_RATE_LIMITS is set, both parts run with quotas too high to be reached
 * (scripts/bench/env.ts), so requests are counted — that cost is measured — but never refused.
 * They are counted where the deployment would count them: in process on PGlite, in PostgreSQL on
 * BENCH_DATABASE_URL — or in the Redis of BENCH_REDIS_URL (`redis://127.0.0.1:6379`) when set.
 * The server, temporary directories and scratch databases are removed at the end, even on error.
 *
 * `--scale` (opt-in, never in CI) measures Folio at a million posts instead (scripts/bench/run-scale.ts):
 * --scale-posts n (1,000,000), --scale-database URL (an already seeded database: no seeding), on the
 * PostgreSQL server in BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres).
 */
// The parts live in scripts/bench/: settings.ts, run-inproc.ts (a), run-http.ts (b), print.ts, cleanup.ts.
// (`--help` prints the comment above, so this note stays out of it.)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { availableParallelism, cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { redactUrl } from './lib/database.ts';
import { cleanUp, cleanUpOnSignals, track } from './bench/cleanup.ts';
import { runScale } from './bench/run-scale.ts';
import { machineNote } from './bench/machine.ts';
import { printInproc, printSummary } from './bench/print.ts';
import { ensureBuild, runHttp, type HttpRun } from './bench/run-http.ts';
import { runInprocChild, type InprocRun } from './bench/run-inproc.ts';
import { benchSettings } from './bench/settings.ts';

const ROOT = new URL('..', import.meta.url).pathname;

const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string' },
    posts: { type: 'string' },
    rounds: { type: 'string' },
    calls: { type: 'string' },
    'inproc-posts': { type: 'string' },
    quick: { type: 'boolean' },
    build: { type: 'boolean' },
    'skip-inproc': { type: 'boolean' },
    'skip-http': { type: 'boolean' },
    scale: { type: 'boolean' },
    'scale-posts': { type: 'string' },
    'scale-database': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (flags.help) {
  console.log(readFileSync(new URL(import.meta.url), 'utf8').split('*/')[0]?.replace(/^\/\*\*|^ \* ?/gm, ''));
  process.exit(0);
}

const settings = benchSettings(flags);
cleanUpOnSignals();

async function scale() {
  const scratch = mkdtempSync(join(tmpdir(), 'folio-scale-'));
  track(async () => rmSync(scratch, { recursive: true, force: true }));
  if (!ensureBuild(ROOT, Boolean(flags.build))) throw new Error('no production build: run `npm run build` (or pass --build)');
  console.log(`Folio at scale — Node ${process.version}, ${availableParallelism()} CPUs\nMachine: ${await machineNote()}`);
  await runScale({
    root: ROOT,
    scratch,
    posts: Number(flags['scale-posts'] ?? 1_000_000),
    serverUrl: process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
    existingUrl: flags['scale-database'],
    connections: settings.connections,
    durationSeconds: settings.duration,
    track,
  });
}

async function main() {
  if (flags.scale) return scale();
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  console.log(`Folio bench — Node ${process.version}, ${availableParallelism()} CPUs (${cpu}), ${process.platform}`);
  console.log(
    `Settings: HTTP ${settings.duration} s + ${settings.warmup} s warm-up per endpoint, ${settings.connections} connections, ` +
      `${settings.posts} posts; in-process ${settings.inproc.rounds} rounds × ${settings.inproc.callsPerRound} calls per variant ` +
      `after ${settings.inproc.warmupCalls} warm-up calls, ${settings.inproc.posts} posts`,
  );
  console.log(`Machine: ${await machineNote()}`);

  const inproc: InprocRun[] = [];
  if (!flags['skip-inproc']) {
    console.log('\n(a) Binding overhead in process: bound handler vs bare handler, same service call, PGlite in memory');
    for (const level of ['info', 'silent'] as const) {
      const run = await runInprocChild(ROOT, settings.inproc, level);
      inproc.push(run);
      printInproc(run);
    }
  }

  let http: HttpRun | undefined;
  let httpSkipped = '';
  if (!flags['skip-http']) {
    const where = process.env.BENCH_DATABASE_URL ? `a scratch database on ${redactUrl(process.env.BENCH_DATABASE_URL)}` : 'a fresh PGlite directory';
    console.log(`\n(b) Throughput over HTTP: production server on ${where}\n  Machine: ${await machineNote()}`);
    if (ensureBuild(ROOT, Boolean(flags.build))) http = await runHttp(ROOT, settings);
    else {
      httpSkipped = 'no production build';
      process.exitCode = 1;
    }
  }

  printSummary(settings, inproc, http, httpSkipped);
}

try {
  await main();
} catch (error) {
  console.error(`\nbench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
