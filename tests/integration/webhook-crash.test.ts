/**
 * Webhook deliveries survive `kill -9`. A server publishes posts while a slow receiver acknowledges
 * their `post.published` deliveries; once some have arrived (others being dispatched, queued or
 * under way) the server is killed with SIGKILL and a new one starts on the same database. Every
 * event the log holds for the endpoint — and so every post acknowledged with 201 — reaches the
 * receiver at least once (distinct `webhook-id`s: none missing), each signed as declared, and the
 * attempt that was under way when the server died is made again. On both
 * databases: PostgreSQL, and the embedded folder the next server opens after the crash.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEvents } from '../../contracts/events/operations.ts';
import { createWebhookEndpoint } from '../../contracts/webhooks/operations.ts';
import { createScratchDatabase } from '../../scripts/lib/database.ts';
import { spawnFolio, type FolioProcess } from '../../scripts/lib/folio-process.ts';
import { expectConforms, send } from '../support/contract-assertions.ts';
import { databaseKinds, postgresBaseUrl, TEST_SERVER_ENV } from '../support/folio-server.ts';
import { signUp, type Account } from '../support/identity.ts';
import { startReceiver, type Receiver } from '../../scripts/lib/webhook-receiver.ts';

const POSTS = 30;
const WRITERS = 3;

describe.each(databaseKinds())('webhook deliveries across kill -9 on %s', (kind) => {
  const scratch = mkdtempSync(join(tmpdir(), `folio-webhook-crash-${kind}-`));
  let env: Record<string, string>;
  let database: { url: string; drop(): Promise<void> } | undefined;
  let receiver: Receiver;
  let server: FolioProcess | undefined;
  let round = 0;
  const serve = async () => {
    server = await spawnFolio({ logFile: join(scratch, `server-${++round}.log`), env, ready: { path: '/api/health/ready', status: 200 } });
    return server;
  };

  beforeAll(async () => {
    receiver = await startReceiver();
    // Slowish acknowledgements; from the fifth request on, slow ones, so that one is under way when the server dies.
    receiver.answer = () => ({ status: 200, body: 'ok', delayMs: receiver.received.length >= 5 ? 5000 : 150 });
    if (kind === 'postgres') database = await createScratchDatabase(postgresBaseUrl()!, 'folio_test', { migrate: true });
    env = {
      ...TEST_SERVER_ENV,
      DATABASE_URL: database?.url ?? '',
      FOLIO_PGLITE_DIR: join(scratch, 'pglite'),
      FOLIO_MEDIA_DIR: join(scratch, 'media'),
      FOLIO_WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
      FOLIO_WEBHOOK_RETRY_SCHEDULE: '0,300ms,300ms,1s,1s,2s,2s,5s',
      // A short timeout, so that an attempt lost with its worker expires (and is retried) within seconds.
      FOLIO_WEBHOOK_TIMEOUT: '2s',
      FOLIO_WEBHOOK_CONCURRENCY: '2',
      FOLIO_WEBHOOK_SECRET_KEY: randomBytes(32).toString('base64'),
    };
  });
  afterAll(async () => {
    await server?.stop();
    await receiver?.close();
    await database?.drop();
    if (!process.env.FOLIO_KEEP_TEST_FILES) rmSync(scratch, { recursive: true, force: true });
  });

  it('delivers every event at least once after the server is killed mid-delivery and started again', { timeout: 180_000 }, async () => {
    let running = await serve();
    const owner: Account = await signUp(running.baseUrl);
    const created = await send(running.baseUrl, createWebhookEndpoint.path, {
      method: 'POST',
      headers: owner.auth,
      json: { url: receiver.url('/crash'), event_types: ['post.published'] },
    });
    expectConforms(createWebhookEndpoint, created);
    expect(created.status, created.text).toBe(201);
    const secret = (created.body as { secret: string }).secret;

    // Writers publish posts; the server is killed once a few deliveries have arrived.
    const acknowledged = new Set<string>();
    let killed = false;
    const writer = async (w: number) => {
      for (let i = 0; !killed && acknowledged.size < POSTS; i++) {
        try {
          const res = await send(running.baseUrl, '/api/v1/posts', { method: 'POST', headers: owner.auth, json: { title: `Crash ${w}.${i}`, status: 'published' } });
          expect(res.status, res.text).toBe(201);
          acknowledged.add((res.body as { id: string }).id);
        } catch (error) {
          if (!killed) throw error;
        }
      }
    };
    const writing = Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
    await receiver.until(() => receiver.received.length >= 5, 60_000);
    killed = true;
    running.child.kill('SIGKILL');
    await new Promise((resolve) => running.child.once('exit', resolve));
    await writing;
    // The fifth attempt was under way (its receiver had not answered): its job died with the server.
    const cut = receiver.received[4]!.id;
    const beforeCrash = new Set(receiver.received.map((r) => r.id)).size;
    receiver.answer = () => ({ status: 200, body: 'ok', delayMs: 20 });

    running = await serve();
    // What the log holds for this endpoint's subscription: every published post's event.
    const logged = new Map<string, string>();
    let cursor: string | null = null;
    do {
      const res = await send(running.baseUrl, `${listEvents.path}?types=post.published&limit=100${cursor ? `&cursor=${cursor}` : ''}`, { headers: owner.auth });
      expect(res.status, res.text).toBe(200);
      const page = res.body as { data: { id: string; data: { post_id: string } }[]; next_cursor: string | null };
      for (const event of page.data) logged.set(event.id, event.data.post_id);
      cursor = page.next_cursor;
    } while (cursor);
    expect([...acknowledged].filter((id) => ![...logged.values()].includes(id)), 'posts acknowledged with 201 but not in the log').toEqual([]);
    expect(beforeCrash, 'some deliveries still to make when the server died').toBeLessThan(logged.size);

    const missing = () => [...logged.keys()].filter((id) => !receiver.received.some((r) => r.id === id));
    const again = () => receiver.received.filter((r) => r.id === cut).length;
    await receiver.until(() => missing().length === 0 && again() >= 2, 90_000).catch(() => undefined);
    expect(missing(), `of ${logged.size} events, ${beforeCrash} delivered before the crash`).toEqual([]);
    // Each verifies with the endpoint's secret, and carries the post its event names.
    const verifier = new Webhook(secret);
    for (const request of receiver.received) {
      const payload = verifier.verify(request.body, { 'webhook-id': request.id, 'webhook-timestamp': request.timestamp, 'webhook-signature': request.signature }) as { data: { post_id: string } };
      expect(payload.data.post_id).toBe(logged.get(request.id));
    }
    // The attempt lost with the server was made again (pg-boss expired its job and retried it).
    expect(again(), 'attempts of the delivery cut short').toBeGreaterThanOrEqual(2);
  });
});
