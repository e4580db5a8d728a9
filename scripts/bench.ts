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
 *     BENCH_DATABASE_URL — seeded first; autocannon on GET /api/v1/posts/{id} (ids in turn) and
 *     GET /api/v1/posts?limit=20, each after a warm-up.
 *
 * Flags (environment in brackets): --duration s [BENCH_DURATION] (10), --warmup s [BENCH_WARMUP] (3),
 * --connections n [BENCH_CONNECTIONS] (10), --posts n [BENCH_POSTS] (5000, seeded for (b)),
 * --rounds n (20), --calls n (250 a round), --inproc-posts n (500), --quick (short everything),
 * --build (run `next build` when there is none), --skip-inproc, --skip-http.
 * Rate limits: unless FOLIO_RATE_LIMITS is set, both parts run with quotas too high to be reached
 * (scripts/bench/env.ts), so requests are counted — that cost is measured — but never refused.
 * The server, temporary directories and scratch databases are removed at the end, even on error.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { redactUrl } from './lib/database.ts';
import { BENCH_RATE_LIMITS } from './bench/env.ts';
import { hasBuild, load, startBenchServer, type LoadResult } from './bench/http.ts';
import type { InprocOptions, InprocResult } from './bench/inproc.ts';
import { ms, table } from './bench/stats.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const TARGET_RATIO = 1.1;

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
    help: { type: 'boolean', short: 'h' },
  },
});
if (flags.help) {
  console.log(readFileSync(new URL(import.meta.url), 'utf8').split('*/')[0]?.replace(/^\/\*\*|^ \* ?/gm, ''));
  process.exit(0);
}

function setting(flag: string | undefined, env: string, fallback: number, quick: number): number {
  const raw = flag ?? process.env[env];
  if (raw === undefined || raw === '') return flags.quick ? quick : fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${env.toLowerCase()} must be a positive number, got ${raw}`);
  return value;
}

const settings = {
  duration: setting(flags.duration, 'BENCH_DURATION', 10, 3),
  warmup: setting(flags.warmup, 'BENCH_WARMUP', 3, 1),
  connections: Math.round(setting(flags.connections, 'BENCH_CONNECTIONS', 10, 10)),
  posts: Math.round(setting(flags.posts, 'BENCH_POSTS', 5000, 2000)),
  inproc: {
    posts: Math.round(setting(flags['inproc-posts'], 'BENCH_INPROC_POSTS', 500, 200)),
    warmupCalls: flags.quick ? 300 : 1000,
    rounds: Math.round(setting(flags.rounds, 'BENCH_ROUNDS', 20, 8)),
    callsPerRound: Math.round(setting(flags.calls, 'BENCH_CALLS', 250, 150)),
  } satisfies InprocOptions,
};

// ---------------------------------------------------------------------------------------------
// Cleanup: whatever was started is stopped and removed, on success, error or Ctrl-C.

const cleanups: (() => Promise<void>)[] = [];
async function cleanUp() {
  while (cleanups.length > 0) {
    const step = cleanups.pop() as () => Promise<void>;
    try {
      await step();
    } catch (error) {
      console.error(`cleanup: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: cleaning up …`);
    void cleanUp().then(() => process.exit(130));
  });
}

// ---------------------------------------------------------------------------------------------
// (a) In process.

interface InprocRun {
  label: string;
  logLines: number;
  result: InprocResult;
}

/** Runs scripts/bench/inproc.ts in a child process whose stdout (the log lines) is drained and counted here. */
async function runInprocChild(logLevel: 'info' | 'silent'): Promise<InprocRun> {
  const child = spawn(process.execPath, ['--expose-gc', 'scripts/bench/inproc.ts', JSON.stringify(settings.inproc)], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: logLevel, DATABASE_URL: '', FOLIO_PGLITE_DIR: 'memory://' },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let logLines = 0;
  child.stdout?.on('data', (chunk: Buffer) => {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) logLines++;
  });
  const reply = await new Promise<{ ok: boolean; result?: InprocResult; error?: string }>((resolve, reject) => {
    let answered = false;
    child.once('message', (message) => {
      answered = true;
      resolve(message as { ok: boolean; result?: InprocResult; error?: string });
    });
    child.once('exit', (code, signal) => {
      if (!answered) reject(new Error(`the in-process bench exited (${code ?? signal}) without a result`));
    });
    child.once('error', reject);
  });
  await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
  if (!reply.ok || !reply.result) throw new Error(`the in-process bench failed:\n${reply.error}`);
  const label = logLevel === 'info' ? 'LOG_LEVEL=info (log lines into a drained pipe)' : 'LOG_LEVEL=silent (no log lines)';
  return { label, logLines, result: reply.result };
}

function printInproc(run: InprocRun) {
  const { result } = run;
  console.log(`\n  ${run.label}; response validation: ${result.responseValidation}; ${run.logLines.toLocaleString('en')} log lines written`);
  console.log(`  FOLIO_RATE_LIMITS=${result.rateLimits} (every bound call still counts against it)`);
  const rows: string[][] = [];
  for (const c of result.comparisons) {
    for (const [variant, s] of [
      ['bound', c.bound],
      ['bare', c.bare],
    ] as const) {
      rows.push([c.operation, variant, String(s.n), ms(s.mean), ms(s.median), ms(s.p95), ms(s.p99)]);
    }
    rows.push([
      '',
      'bound/bare',
      '',
      `${(c.bound.mean / c.bare.mean).toFixed(3)}×`,
      `${(c.bound.median / c.bare.median).toFixed(3)}×`,
      `+${ms(c.bound.median - c.bare.median)}`,
      c.sameResponse && c.failures === 0 ? 'same body' : `DIFFERENT body or ${c.failures} failures`,
    ]);
  }
  console.log(indent(table(['operation', 'variant', 'calls', 'mean', 'median', 'p95', 'p99'], rows)));
}

// ---------------------------------------------------------------------------------------------
// (b) Over HTTP.

/** The newest modification time of the sources a build is made from. */
function newestSource(): number {
  let newest = 0;
  const walk = (path: string) => {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) for (const entry of readdirSync(path)) walk(join(path, entry));
    else newest = Math.max(newest, stat.mtimeMs);
  };
  for (const part of ['app', 'server', 'contracts', 'next.config.ts', 'openapi.json']) walk(join(ROOT, part));
  return newest;
}

function ensureBuild(): boolean {
  if (!hasBuild(ROOT)) {
    if (!flags.build) {
      console.log(
        '\n  No production build (.next/BUILD_ID is missing), so the HTTP part cannot run.\n' +
          '  Build first with `npx next build`, or run `npm run bench -- --build` to build now.',
      );
      return false;
    }
    console.log('\n  No production build: running `npx next build` …');
    const built = spawnSync('npx', ['next', 'build'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
    if (built.status !== 0 || !hasBuild(ROOT)) {
      console.log('  `next build` failed; skipping the HTTP part.');
      return false;
    }
  }
  const builtAt = statSync(join(ROOT, '.next/BUILD_ID')).mtimeMs;
  if (newestSource() > builtAt) console.log('\n  Note: app/, server/ or contracts/ changed after the last build; run `npx next build` to measure the current code.');
  return true;
}

async function runHttp(): Promise<{ database: string; seedMs: number; results: LoadResult[] } | undefined> {
  const scratch = mkdtempSync(join(tmpdir(), 'folio-bench-'));
  cleanups.push(async () => rmSync(scratch, { recursive: true, force: true }));
  const postgres = process.env.BENCH_DATABASE_URL || undefined;
  let logFile: string | undefined;
  try {
    const server = await startBenchServer({
      root: ROOT,
      scratch,
      posts: settings.posts,
      postgresServerUrl: postgres,
      track: (cleanup) => cleanups.push(cleanup),
      print: (line) => console.log(`  ${line}`),
    });
    logFile = server.logFile;
    console.log(`  Server up at ${server.baseUrl} (NODE_ENV=production, ${server.database}, FOLIO_RATE_LIMITS=${BENCH_RATE_LIMITS}).`);
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
    return { database: server.database, seedMs: server.seedMs, results };
  } catch (error) {
    if (logFile) {
      const tail = readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-20).join('\n');
      console.error(`  The server's last log lines:\n${indent(tail, 4)}`);
    }
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------

const indent = (text: string, n = 2) => text.replace(/^/gm, ' '.repeat(n));

/** Other work on the machine skews every number here: measure how busy it is over one second, with nothing of ours running. */
async function machineNote(): Promise<string> {
  const sample = () => {
    let idle = 0;
    let total = 0;
    for (const { times: t } of cpus()) {
      idle += t.idle;
      total += t.user + t.nice + t.sys + t.idle + t.irq;
    }
    return { idle, total };
  };
  const before = sample();
  await new Promise((r) => setTimeout(r, 1000));
  const after = sample();
  const busy = 1 - (after.idle - before.idle) / Math.max(1, after.total - before.total);
  const note = `CPU ${(busy * 100).toFixed(0)}% busy over the last second before starting`;
  return busy > 0.15 ? `${note} — other processes are running: expect noisy numbers` : note;
}

async function main() {
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
      const run = await runInprocChild(level);
      inproc.push(run);
      printInproc(run);
    }
  }

  let http: Awaited<ReturnType<typeof runHttp>>;
  let httpSkipped = '';
  if (!flags['skip-http']) {
    const where = process.env.BENCH_DATABASE_URL ? `a scratch database on ${redactUrl(process.env.BENCH_DATABASE_URL)}` : 'a fresh PGlite directory';
    console.log(`\n(b) Throughput over HTTP: production server on ${where}\n  Machine: ${await machineNote()}`);
    if (ensureBuild()) http = await runHttp();
    else {
      httpSkipped = 'no production build';
      process.exitCode = 1;
    }
  }

  console.log('\nSummary');
  if (inproc.length > 0) {
    const rows = inproc.flatMap((run) =>
      run.result.comparisons.map((c) => {
        const ratio = c.bound.median / c.bare.median;
        return [
          c.operation,
          run.result.logLevel,
          ms(c.bound.median),
          ms(c.bare.median),
          `${ratio.toFixed(3)}×`,
          `${(c.bound.mean / c.bare.mean).toFixed(3)}×`,
          ratio <= TARGET_RATIO ? 'yes' : 'NO',
        ];
      }),
    );
    console.log(indent(table(['in process', 'log', 'bound median', 'bare median', 'median ratio', 'mean ratio', '≤ 1.10'], rows)));
    console.log('  The target (binding adds ≤ 10%) is judged on the median ratio; the LOG_LEVEL=info rows are the ones that count.');
  }
  if (http) {
    const rows = http.results.map((r) => [
      r.name,
      Math.round(r.requestsPerSecond).toLocaleString('en'),
      ms(r.p50),
      ms(r.p99),
      String(r.non2xx),
      String(r.errors + r.timeouts),
    ]);
    if (inproc.length > 0) console.log('');
    console.log(indent(table([`HTTP (${http.database.split(' ')[0]}, ${settings.connections} conns, ${settings.duration} s)`, 'req/s', 'p50', 'p99', 'non-2xx', 'errors'], rows)));
    if (http.results.some((r) => r.non2xx > 0)) {
      console.log('  Some responses were not 2xx: req/s counts them, p50/p99 do not (see the status counts above).');
    }
  } else if (httpSkipped) {
    console.log(`  HTTP part skipped: ${httpSkipped}.`);
  }
}

try {
  await main();
} catch (error) {
  console.error(`\nbench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
