/**
 * `npm run worker`: webhook workers as processes of their own. Two of them serve one PostgreSQL
 * database, beside an API server that runs none (FOLIO_WEBHOOK_WORKER=off); a receiver counts what
 * arrives. Every delivery arrives exactly once (the receiver acknowledges each at once), no attempt
 * is ever in progress twice, both workers take a share, and SIGTERM stops each cleanly. Without
 * DATABASE_URL a worker refuses to start: the embedded database belongs to the server's process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookEndpoint } from '../../contracts/webhooks/operations.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, REPO_ROOT } from '../../scripts/lib/folio-process.ts';
import { send } from '../support/contract-assertions.ts';
import { postgresBaseUrl, startFolio, type RunningFolio } from '../support/folio-server.ts';
import { signUp } from '../support/identity.ts';
import { startReceiver, type Receiver } from '../../scripts/lib/webhook-receiver.ts';

const POSTS = 30;
const ENDPOINTS = ['/w1', '/w2', '/w3'];
const scratch = mkdtempSync(join(tmpdir(), 'folio-webhook-workers-'));
const SETTINGS = {
  FOLIO_WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
  FOLIO_WEBHOOK_TIMEOUT: '5s',
  FOLIO_WEBHOOK_SECRET_KEY: randomBytes(32).toString('base64'),
};

/** `npm run worker`'s command, with its output in `logFile`. */
function startWorker(logFile: string, env: Record<string, string>): ChildProcess {
  const out = openSync(logFile, 'a');
  try {
    return spawn(process.execPath, ['scripts/worker.ts'], { cwd: REPO_ROOT, env: { ...process.env, NODE_ENV: 'production', ...env }, stdio: ['ignore', out, out] });
  } finally {
    closeSync(out);
  }
}
const exitOf = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve(child.exitCode) : new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
const attemptsIn = (logFile: string) => readFileSync(logFile, 'utf8').split('\n').filter((line) => line.includes('"msg":"webhook attempt"')).length;

afterAll(() => {
  if (!process.env.FOLIO_KEEP_TEST_FILES) rmSync(scratch, { recursive: true, force: true });
});

it('refuses to start without DATABASE_URL, saying why', async () => {
  const log = join(scratch, 'embedded.log');
  const worker = startWorker(log, { DATABASE_URL: '' });
  expect(await exitOf(worker)).toBe(1);
  expect(readFileSync(log, 'utf8')).toContain('npm run worker needs DATABASE_URL');
});

it('waits for a database it cannot reach yet, trying again, and stops on SIGTERM', { timeout: 60_000 }, async () => {
  const log = join(scratch, 'unreachable.log');
  // A port where nothing listens: the database is not up yet.
  const port = await freePort();
  const worker = startWorker(log, { ...SETTINGS, DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/folio` });
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && !readFileSync(log, 'utf8').includes('the webhook worker could not start; trying again in 5 s')) await sleep(100);
  expect(readFileSync(log, 'utf8')).toContain('the webhook worker could not start; trying again in 5 s');
  expect(worker.exitCode, 'still running').toBeNull();
  worker.kill('SIGTERM');
  expect(await exitOf(worker)).toBe(0);
});

describe.runIf(postgresBaseUrl())('two workers on one PostgreSQL database', () => {
  let server: RunningFolio;
  let receiver: Receiver;
  const workers: { child: ChildProcess; log: string }[] = [];
  beforeAll(async () => {
    server = await startFolio('postgres', { ...SETTINGS, FOLIO_WEBHOOK_WORKER: 'off' });
    receiver = await startReceiver();
    // A little slow, so that both workers have attempts under way at once.
    receiver.answer = () => ({ status: 200, body: 'ok', delayMs: 50 });
    for (const n of [1, 2]) {
      const log = join(scratch, `worker-${n}.log`);
      workers.push({ child: startWorker(log, { ...SETTINGS, DATABASE_URL: server.databaseUrl!, FOLIO_WEBHOOK_CONCURRENCY: '4' }), log });
    }
  });
  afterAll(async () => {
    for (const { child } of workers) if (child.exitCode === null) child.kill('SIGKILL');
    await server?.stop();
    await receiver?.close();
  });

  it('deliver each event once between them, never the same attempt at once, and stop on SIGTERM', { timeout: 120_000 }, async () => {
    const owner = await signUp(server.baseUrl);
    for (const path of ENDPOINTS) {
      const res = await send(server.baseUrl, createWebhookEndpoint.path, { method: 'POST', headers: owner.auth, json: { url: receiver.url(path), event_types: ['post.published'] } });
      expect(res.status, res.text).toBe(201);
    }
    const published = await Promise.all(
      Array.from({ length: POSTS }, async (_, i) => {
        const res = await send(server.baseUrl, '/api/v1/posts', { method: 'POST', headers: owner.auth, json: { title: `Worker post ${i}`, status: 'published' } });
        expect(res.status, res.text).toBe(201);
        return (res.body as { id: string }).id;
      }),
    );
    const expected = POSTS * ENDPOINTS.length;
    await receiver.until((received) => received.length >= expected, 90_000);
    // A moment for any duplicate to show itself.
    await new Promise((resolve) => setTimeout(resolve, 1500));

    const perDelivery = new Map<string, number>();
    for (const r of receiver.received) perDelivery.set(`${r.path} ${r.id}`, (perDelivery.get(`${r.path} ${r.id}`) ?? 0) + 1);
    expect(perDelivery.size).toBe(expected);
    expect([...perDelivery].filter(([, count]) => count !== 1), 'deliveries sent more than once').toEqual([]);
    expect(receiver.overlaps).toEqual([]);
    const posts = new Set(receiver.received.map((r) => (JSON.parse(r.body) as { data: { post_id: string } }).data.post_id));
    expect([...posts].sort()).toEqual([...published].sort());

    // Both took a share; together they made every attempt, and the API server (worker off) none.
    const shares = workers.map(({ log }) => attemptsIn(log));
    expect(shares.every((share) => share > 0), `attempts per worker: ${shares}`).toBe(true);
    expect(shares[0]! + shares[1]!).toBe(expected);
    expect(attemptsIn(server.logFile)).toBe(0);

    for (const { child } of workers) child.kill('SIGTERM');
    expect(await Promise.all(workers.map(({ child }) => exitOf(child)))).toEqual([0, 0]);
  });
});
