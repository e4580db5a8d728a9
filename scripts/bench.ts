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
 *     (ids in turn), GET /api/v1/posts?limit=20 and search, each after a warm-up. Last, one client
    reads posts one at a time, alone and then during a burst of 40 sign-ins at once (password
    hashing is bounded so the burst cannot starve other requests): p50/p99 of both.
 *
 * (c) Telemetry: the bound getPost in process with tracing off (the default) and on (OpenTelemetry,
 *     exporting over OTLP/HTTP to a local sink), median ratio on/off (scripts/bench/run-telemetry.ts).
 *
 * Flags (environment in brackets): --duration s [BENCH_DURATION] (10), --warmup s [BENCH_WARMUP] (3),
 * --connections n [BENCH_CONNECTIONS] (10), --posts n [BENCH_POSTS] (5000, seeded for (b)),
 * --rounds n (20), --calls n (250 a round), --inproc-posts n (500), --quick (short everything),
 * --build (run `next build` when there is none), --skip-inproc, --skip-http, --skip-telemetry.
 * Rate limits: unless FOLIO_RATE_LIMITS is set, both parts run with quotas too high to be reached
 * (scripts/bench/env.ts), so requests are counted — that cost is measured — but never refused.
 * They are counted where the deployment would count them: in process on PGlite, in PostgreSQL on
 * BENCH_DATABASE_URL — or in the Redis of BENCH_REDIS_URL (`redis://127.0.0.1:6379`) when set.
 * The server, temporary directories and scratch databases are removed at the end, even on error.
 *
 * `--media` (opt-in, never in CI) measures uploads and downloads instead (scripts/bench/run-media.ts):
 * --media-count n (10) uploads of --media-mib n (20) MiB each, on the filesystem driver and on S3
 * (a local moto server): upload MiB/s against a bare Node stream writing the same bytes, the
 * server's peak RSS growth, download MiB/s whole and in 1 MiB ranges.
 *
 * `--scale` (opt-in, never in CI) measures Folio at a million posts instead (scripts/bench/run-scale.ts):
 * --scale-posts n (1,000,000), --scale-database URL (an already seeded database: no seeding), on the
 * PostgreSQL server in BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres).
 *
 * `--events` (opt-in: about two minutes a database) measures the event stream instead
 * (scripts/bench/run-events.ts), on PGlite and on PostgreSQL (the server in BENCH_DATABASE_URL, as
 * --scale; `--events-on pglite|postgres` for one): commit → received latency, p50 and p99 over
 * --events-latency n (1,000) comments written one at a time; fan-out of --events-fanout n (200)
 * events to --events-clients n (500) streams at once, each client checked to get every event;
 * the server's memory per stream; its idle CPU with only heartbeats, over --events-idle s (15),
 * with the default FOLIO_SSE_HEARTBEAT_MS and with --events-heartbeat ms (1000). A lost event
 * makes it exit 1. --quick shrinks every number.
 *
 * `--webhooks` (opt-in: about a minute) measures outgoing webhook deliveries instead
 * (scripts/bench/run-webhooks.ts), on PostgreSQL (the server in BENCH_DATABASE_URL, as --scale) with
 * one `npm run worker` process: deliveries/s and commit → arrival p50/p99 over --webhooks-count n
 * (500) events; then the receiver answers 500 for --webhooks-outage s (10) while half as many are
 * published: every event must arrive and the queue drain, or it exits 1. --quick shrinks both.
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
import { runMedia } from './bench/run-media.ts';
import { machineNote } from './bench/machine.ts';
import { printEventsSummary, printInproc, printSummary } from './bench/print.ts';
import { eventFailures, runEvents, type EventsRun } from './bench/run-events.ts';
import { ensureBuild, runHttp, type HttpRun } from './bench/run-http.ts';
import { runWebhooks } from './bench/run-webhooks.ts';
import { runInprocChild, type InprocRun } from './bench/run-inproc.ts';
import { printTelemetry, runTelemetry } from './bench/run-telemetry.ts';
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
    'skip-telemetry': { type: 'boolean' },
    scale: { type: 'boolean' },
    media: { type: 'boolean' },
    'media-count': { type: 'string' },
    'media-mib': { type: 'string' },
    'scale-posts': { type: 'string' },
    'scale-database': { type: 'string' },
    events: { type: 'boolean' },
    'events-on': { type: 'string' },
    'events-latency': { type: 'string' },
    'events-clients': { type: 'string' },
    'events-fanout': { type: 'string' },
    'events-idle': { type: 'string' },
    'events-heartbeat': { type: 'string' },
    webhooks: { type: 'boolean' },
    'webhooks-count': { type: 'string' },
    'webhooks-outage': { type: 'string' },
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

async function events() {
  const on = flags['events-on'] ?? 'both';
  if (!['pglite', 'postgres', 'both'].includes(on)) throw new Error(`--events-on must be pglite, postgres or both, got ${on}`);
  const kinds = (['pglite', 'postgres'] as const).filter((kind) => on === 'both' || on === kind);
  const scratch = mkdtempSync(join(tmpdir(), 'folio-events-'));
  track(async () => rmSync(scratch, { recursive: true, force: true }));
  if (!ensureBuild(ROOT, Boolean(flags.build))) throw new Error('no production build: run `npm run build` (or pass --build)');
  const e = settings.events;
  console.log(`Folio events bench — Node ${process.version}, ${availableParallelism()} CPUs (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), ${process.platform}`);
  console.log(
    `Settings: latency over ${e.latencyEvents} events; fan-out of ${e.fanoutEvents} events to ${e.clients} streams; ` +
      `idle CPU over ${e.idleSeconds} s, default heartbeat and ${e.heartbeatMs} ms`,
  );
  const runs: EventsRun[] = [];
  const failures: string[] = [];
  for (const kind of kinds) {
    const run = await runEvents({
      root: ROOT,
      scratch,
      kind,
      postgresServerUrl: process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
      settings: e,
      track,
    });
    runs.push(run);
    failures.push(...eventFailures(run).map((failure) => `${run.database.split(' ')[0]}: ${failure}`));
  }
  printEventsSummary(settings, runs);
  if (failures.length > 0) {
    console.error(`\nEVENTS WERE LOST — the stream failed its clients:\n${failures.map((f) => `  - ${f}`).join('\n')}`);
    process.exitCode = 1;
  }
}

async function webhooks() {
  const scratch = mkdtempSync(join(tmpdir(), 'folio-webhooks-'));
  track(async () => rmSync(scratch, { recursive: true, force: true }));
  if (!ensureBuild(ROOT, Boolean(flags.build))) throw new Error('no production build: run `npm run build` (or pass --build)');
  console.log(`Folio webhooks bench — Node ${process.version}, ${availableParallelism()} CPUs`);
  const { failures } = await runWebhooks({
    root: ROOT,
    scratch,
    postgresServerUrl: process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
    settings: {
      count: Number(flags['webhooks-count'] ?? (flags.quick ? 100 : 500)),
      outageSeconds: Number(flags['webhooks-outage'] ?? (flags.quick ? 3 : 10)),
    },
    track,
  });
  if (failures.length > 0) {
    console.error(`\nWEBHOOK DELIVERIES WERE LOST:\n${failures.map((f) => `  - ${f}`).join('\n')}`);
    process.exitCode = 1;
  }
}

async function main() {
  if (flags.scale) return scale();
  if (flags.events) return events();
  if (flags.webhooks) return webhooks();
  if (flags.media) {
    if (!ensureBuild(ROOT, Boolean(flags.build))) throw new Error('no production build: run `npm run build` (or pass --build)');
    console.log(`Folio media bench — Node ${process.version}, ${availableParallelism()} CPUs\nMachine: ${await machineNote()}`);
    return runMedia({ count: Number(flags['media-count'] ?? 10), sizeMiB: Number(flags['media-mib'] ?? 20), track });
  }
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

  if (!flags['skip-telemetry']) {
    console.log('\n(c) Telemetry: tracing off vs on, bound getPost in process, PGlite in memory');
    const { posts, warmupCalls, rounds, callsPerRound } = settings.inproc;
    printTelemetry(await runTelemetry(ROOT, { posts, warmupCalls, calls: Math.round((rounds * callsPerRound) / 2) }));
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
