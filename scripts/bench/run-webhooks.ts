/**
 * `npm run bench -- --webhooks`: outgoing webhook deliveries (issue 12), on PostgreSQL (a scratch
 * database on the server in BENCH_DATABASE_URL): the API server runs no worker
 * (FOLIO_WEBHOOK_WORKER=off) and one `npm run worker` process delivers to a receiver in this
 * process (scripts/lib/webhook-receiver.ts), subscribed to `post.published`.
 *
 * 1. Throughput: `count` posts published by 8 writers at once; deliveries per second from the first
 *    write to the last delivery, and latency from each event's commit to its arrival. The event's
 *    `created_at` is taken in its transaction, just before the commit, on this machine's clock.
 * 2. An outage: the receiver answers 500 for `outageSeconds` while `count / 2` more posts are
 *    published, then 200. Every event must still arrive, acknowledged, and the queue must drain (no
 *    delivery pending, no pg-boss job left): how long after the receiver recovered, and how many
 *    attempts it took. The retry schedule is compressed (0, 1 s, 2 s, 4 s, 8 s …) for the run.
 *
 * A missing event or a queue that does not drain exits 1.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { createPost } from '../../contracts/posts/operations.ts';
import { createToken } from '../../contracts/tokens/operations.ts';
import { createUser } from '../../contracts/users/operations.ts';
import { createWebhookEndpoint } from '../../contracts/webhooks/operations.ts';
import { createScratchDatabase, redactUrl } from '../lib/database.ts';
import { spawnFolio } from '../lib/folio-process.ts';
import { startReceiver, type Receiver } from '../lib/webhook-receiver.ts';
import { BENCH_RATE_LIMITS } from './env.ts';
import { machineNote } from './machine.ts';
import { ms, summarize, table } from './stats.ts';

export interface WebhooksSettings {
  /** Posts published in the throughput part (half as many during the outage). */
  count: number;
  outageSeconds: number;
}

const WRITERS = 8;
const DRAIN_TIMEOUT_MS = 120_000;

async function postJson(baseUrl: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const response = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`POST ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** Publishes `n` posts, WRITERS at a time; returns their ids. */
async function publish(baseUrl: string, auth: Record<string, string>, n: number, label: string): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      while (next < n) {
        const i = next++;
        ids.push(String((await postJson(baseUrl, createPost.path, { title: `${label} ${i}`, status: 'published' }, auth)).id));
      }
    }),
  );
  return ids;
}

/** The events acknowledged (a 2xx answered) so far, by webhook-id, with when each first was. */
function acknowledged(receiver: Receiver, failingUntil: number) {
  const first = new Map<string, { at: number; createdAt: number }>();
  for (const r of receiver.received) {
    if (r.at < failingUntil || first.has(r.id)) continue;
    first.set(r.id, { at: r.at, createdAt: Date.parse((JSON.parse(r.body) as { created_at: string }).created_at) });
  }
  return first;
}

export async function runWebhooks(options: {
  root: string;
  scratch: string;
  postgresServerUrl: string;
  settings: WebhooksSettings;
  track: (step: () => Promise<void>) => void;
}): Promise<{ failures: string[] }> {
  const { settings, track } = options;
  const failures: string[] = [];
  const database = await createScratchDatabase(options.postgresServerUrl, 'folio_bench_webhooks', { migrate: true });
  track(() => database.drop());
  console.log(`\nWebhooks on PostgreSQL (${redactUrl(options.postgresServerUrl)}), one worker process\n  Machine: ${await machineNote()}`);

  const receiver = await startReceiver();
  track(() => receiver.close());
  let failingUntil = 0;
  receiver.answer = () => (Date.now() < failingUntil ? { status: 500, body: 'down for the bench' } : { status: 200, body: 'ok' });

  const shared = {
    DATABASE_URL: database.url,
    FOLIO_WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
    FOLIO_WEBHOOK_RETRY_SCHEDULE: '0,1s,2s,4s,8s,8s,8s,8s,8s,8s,8s,8s',
    FOLIO_WEBHOOK_DISABLE_AFTER: '1h',
    FOLIO_WEBHOOK_SECRET_KEY: randomBytes(32).toString('base64'),
    FOLIO_RATE_LIMITS: BENCH_RATE_LIMITS,
    LOG_LEVEL: 'warn',
  };
  const server = await spawnFolio({
    root: options.root,
    logFile: join(options.scratch, 'webhooks-server.log'),
    env: { ...shared, FOLIO_WEBHOOK_WORKER: 'off' },
    ready: { path: '/api/health/ready', status: 200 },
    onSpawn: (stop) => track(stop),
  });
  const out = openSync(join(options.scratch, 'webhooks-worker.log'), 'a');
  const worker = spawn(process.execPath, ['scripts/worker.ts'], { cwd: options.root, env: { ...process.env, NODE_ENV: 'production', ...shared }, stdio: ['ignore', out, out] });
  closeSync(out);
  track(async () => {
    if (worker.exitCode !== null) return;
    const gone = new Promise((resolve) => worker.once('exit', resolve));
    worker.kill('SIGTERM');
    await gone;
  });

  const name = `bench${Date.now().toString(36)}`;
  const password = 'correct horse battery staple';
  await postJson(server.baseUrl, createUser.path, { email: `${name}@example.com`, username: name, display_name: 'Bench', password });
  const { token } = await postJson(server.baseUrl, createToken.path, { email: `${name}@example.com`, password, name: 'bench' });
  const auth = { Authorization: `Bearer ${String(token)}` };
  await postJson(server.baseUrl, createWebhookEndpoint.path, { url: receiver.url('/bench'), event_types: ['post.published'] }, auth);
  // Warm-up: the worker's first deliveries (connections, JIT) are not the ones measured.
  await publish(server.baseUrl, auth, 20, 'Warm-up');
  await receiver.until((r) => r.length >= 20, DRAIN_TIMEOUT_MS);
  receiver.received.length = 0;

  // 1. Throughput.
  const started = Date.now();
  await publish(server.baseUrl, auth, settings.count, 'Throughput');
  const publishedIn = Date.now() - started;
  await receiver.until(() => acknowledged(receiver, 0).size >= settings.count, DRAIN_TIMEOUT_MS).catch(() => undefined);
  const steady = acknowledged(receiver, 0);
  if (steady.size < settings.count) failures.push(`throughput: ${settings.count - steady.size} of ${settings.count} events never arrived`);
  const last = Math.max(...[...steady.values()].map((a) => a.at));
  const latency = summarize([...steady.values()].map((a) => a.at - a.createdAt));
  const perSecond = steady.size / ((last - started) / 1000);

  // 2. An outage at the receiver.
  receiver.received.length = 0;
  failingUntil = Date.now() + settings.outageSeconds * 1000;
  const during = await publish(server.baseUrl, auth, Math.max(1, Math.round(settings.count / 2)), 'Outage');
  const recovered = failingUntil;
  await receiver.until(() => acknowledged(receiver, recovered).size >= during.length, DRAIN_TIMEOUT_MS).catch(() => undefined);
  const afterOutage = acknowledged(receiver, recovered);
  if (afterOutage.size < during.length) failures.push(`outage: ${during.length - afterOutage.size} of ${during.length} events never arrived after the receiver recovered`);
  const drainedAt = afterOutage.size ? Math.max(...[...afterOutage.values()].map((a) => a.at)) : Number.NaN;
  const refused = receiver.received.filter((r) => r.at < recovered).length;

  // Drained: nothing pending in Folio's delivery table, nothing left in pg-boss's queue.
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  let pending = -1;
  let jobs = -1;
  try {
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 500))) {
      pending = Number((await client.query(`select count(*) from webhook_deliveries where state = 'pending'`)).rows[0].count);
      jobs = Number((await client.query(`select count(*) from pgboss.job where name = 'webhook-attempt' and state in ('created', 'retry', 'active')`)).rows[0].count);
      if (pending === 0 && jobs === 0) break;
    }
  } finally {
    await client.end();
  }
  if (pending !== 0 || jobs !== 0) failures.push(`the queue did not drain: ${pending} deliveries pending, ${jobs} jobs left`);

  console.log(
    table(
      ['part', 'events', 'arrived', 'deliveries/s', 'p50 commit→arrival', 'p99', 'note'],
      [
        ['throughput', String(settings.count), String(steady.size), perSecond.toFixed(1), ms(latency.median), ms(latency.p99), `${WRITERS} writers published all in ${ms(publishedIn)}; last delivery ${ms(last - started)} after the first write`],
        [
          `receiver 500 for ${settings.outageSeconds} s`,
          String(during.length),
          String(afterOutage.size),
          '—',
          '—',
          '—',
          `${refused} attempts refused; all delivered ${ms(drainedAt - recovered)} after recovery; queue drained: ${pending === 0 && jobs === 0 ? 'yes' : 'NO'}`,
        ],
      ],
    ),
  );
  return { failures };
}
