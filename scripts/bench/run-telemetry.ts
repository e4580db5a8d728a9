/**
 * Part (c) of `npm run bench`: what tracing costs. The bound getPost (server/posts/handlers.ts) is
 * called in process on an in-memory PGlite, in child processes alternately with tracing off (no
 * OTEL_* variable: the SDK is not even loaded) and on (OTLP over HTTP to a collector here that
 * takes and drops every batch, so the export is paid for too). Tracing is read once per process,
 * hence one child per variant, run twice each, off and on in turn; the same ids in the same order.
 * Reported: each variant's median and p99 per call, and the median ratio on/off.
 *
 * Run alone, `node scripts/bench/run-telemetry.ts --child '{…}'` is one such child.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { freePort } from '../lib/folio-process.ts';
import { killOnCleanUp, track } from './cleanup.ts';
import { BENCH_RATE_LIMITS } from './env.ts';
import { ms, summarize, table, type Summary } from './stats.ts';

export interface TelemetryOptions {
  posts: number;
  warmupCalls: number;
  calls: number;
}

export interface TelemetryRun {
  off: Summary;
  on: Summary;
  /** median(on) / median(off). */
  ratio: number;
  spansExported: number;
}

/** The child: seeds, warms up, times `calls` bound getPost calls one by one, prints the samples as JSON. */
async function measure(options: TelemetryOptions): Promise<number[]> {
  const { startTelemetry } = await import('../../server/telemetry/start.ts');
  await startTelemetry();
  const { db } = await import('../../server/db/index.ts');
  const handlers = await import('../../server/posts/handlers.ts');
  const { seedPosts } = await import('../seed.ts');
  await seedPosts(db(), { posts: options.posts, authors: 6, seed: 1, batchSize: 500, until: Date.now() });
  const ids = (await db().selectFrom('posts').select('id').where('status', '=', 'published').orderBy('id').execute()).map((r) => r.id);
  const call = async (i: number) => {
    const postId = ids[i % ids.length]!;
    const response = await handlers.getPost.handle(new Request(`http://localhost/api/v1/posts/${postId}`), { params: Promise.resolve({ postId }) });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`getPost answered ${response.status}`);
  };
  for (let i = 0; i < options.warmupCalls; i++) await call(i);
  const samples: number[] = [];
  for (let i = 0; i < options.calls; i++) {
    const started = performance.now();
    await call(i);
    samples.push(performance.now() - started);
  }
  return samples;
}

/** A collector that accepts every OTLP/HTTP export and keeps only a count of the spans. */
async function startSink(): Promise<{ endpoint: string; spans: () => number }> {
  let spans = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      spans += (body.match(/"spanId"/g) ?? []).length;
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  track(() => new Promise((resolve) => server.close(() => resolve())));
  return { endpoint: `http://127.0.0.1:${port}`, spans: () => spans };
}

function child(root: string, options: TelemetryOptions, env: Record<string, string>): Promise<number[]> {
  const process_ = spawn(process.execPath, ['scripts/bench/run-telemetry.ts', '--child', JSON.stringify(options)], {
    cwd: root,
    // Log lines written (into this pipe): with tracing on each carries the trace id, a cost of its own.
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'info', DATABASE_URL: '', FOLIO_PGLITE_DIR: 'memory://', FOLIO_RATE_LIMITS: BENCH_RATE_LIMITS, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  killOnCleanUp(process_);
  let out = '';
  process_.stdout.on('data', (chunk: Buffer) => (out += chunk));
  return new Promise((resolve, reject) => {
    process_.once('error', reject);
    process_.once('exit', (code) => {
      const line = out.trim().split('\n').findLast((l) => l.startsWith('[')) ?? '';
      if (code === 0 && line.startsWith('[')) resolve(JSON.parse(line) as number[]);
      else reject(new Error(`the telemetry bench child exited ${code}: ${out.slice(-500)}`));
    });
  });
}

export async function runTelemetry(root: string, options: TelemetryOptions): Promise<TelemetryRun> {
  const sink = await startSink();
  const off: number[] = [];
  const on: number[] = [];
  // Every OTEL_* variable of this shell is left out of both, so "off" is off and "on" is exactly this.
  const clean = Object.fromEntries(Object.keys(process.env).filter((name) => name.startsWith('OTEL_')).map((name) => [name, '']));
  const traced = { ...clean, OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_ENDPOINT: sink.endpoint };
  for (let pass = 0; pass < 2; pass++) {
    off.push(...(await child(root, options, clean)));
    on.push(...(await child(root, options, traced)));
  }
  const [offSummary, onSummary] = [summarize(off), summarize(on)];
  return { off: offSummary, on: onSummary, ratio: onSummary.median / offSummary.median, spansExported: sink.spans() };
}

export function printTelemetry(run: TelemetryRun): void {
  const row = (label: string, s: Summary) => [label, String(s.n), ms(s.median), ms(s.p99)];
  console.log(table(['getPost, bound, in process', 'calls', 'median', 'p99'], [row('tracing off (default)', run.off), row('tracing on (OTLP/HTTP export)', run.on)]));
  console.log(`  median on/off: ${run.ratio.toFixed(2)} (${run.spansExported} spans exported while on)`);
}

if (import.meta.main && process.argv[2] === '--child') {
  const options = JSON.parse(process.argv[3] ?? '{}') as TelemetryOptions;
  const samples = await measure(options);
  // Let the batch processor send what it holds (the "on" run pays for its export), then report.
  const { stopBackgroundWork } = await import('../../server/background.ts');
  await stopBackgroundWork();
  process.stdout.write(`${JSON.stringify(samples)}\n`);
  process.exit(0);
}
