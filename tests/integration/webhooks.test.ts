/**
 * Outgoing webhooks over HTTP, against a local receiver: endpoints and their rules, deliveries as
 * the document declares them (verified with the official `standardwebhooks` library), retries on
 * the schedule, Retry-After, 410, disabling after failing, redelivery, secret rotation, the test
 * ping, and who receives what. Each database gets a server of its own with a compressed schedule.
 */
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as eventsContract from '../../contracts/events/operations.ts';
import { webhookFor } from '../../contracts/webhooks/deliveries.ts';
import * as contract from '../../contracts/webhooks/operations.ts';
import { SIGNATURE_HEADERS } from '../../contracts/webhook.ts';
import { expectConforms, problemCode, send } from '../support/contract-assertions.ts';
import { databaseKinds, startFolio, type RunningFolio } from '../support/folio-server.ts';
import { issueToken, signUp, type Account } from '../support/identity.ts';
import { startReceiver, type Answer, type Received, type Receiver } from '../../scripts/lib/webhook-receiver.ts';

type Endpoint = { id: string; secret: string; enabled: boolean; disabled_reason: string | null; health: { consecutive_failures: number; last_success_at: string | null } };
type Attempt = { status_code: number | null; success: boolean; error: string | null; attempted_at: string };
type Delivery = { id: string; event_id: string; event_type: string; state: string; attempt_count: number; attempts: Attempt[]; next_attempt_at: string | null };

const SETTINGS = {
  FOLIO_WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
  FOLIO_WEBHOOK_RETRY_SCHEDULE: '0,200ms,200ms,200ms,3s',
  FOLIO_WEBHOOK_DISABLE_AFTER: '3s',
  FOLIO_WEBHOOK_SECRET_OVERLAP: '3s',
  FOLIO_WEBHOOK_TIMEOUT: '2s',
};

/** The delivery conforms to its declaration: the signature headers, and the payload of its type. */
function expectDeclared(request: Received) {
  expect(SIGNATURE_HEADERS.safeParse(request.headers).success, JSON.stringify(request.headers)).toBe(true);
  expect(request.headers['content-type']).toBe('application/json');
  expect(request.headers['user-agent']).toMatch(/^Folio-Webhooks\//);
  const parsed = webhookFor(request.type).payload.safeParse(JSON.parse(request.body));
  expect(parsed.success, parsed.error?.message).toBe(true);
}

/** Verifies with the official Standard Webhooks library, as a partner would; throws if it does not verify. */
const verify = (secret: string, request: Received) =>
  new Webhook(secret).verify(request.body, { 'webhook-id': request.id, 'webhook-timestamp': request.timestamp, 'webhook-signature': request.signature });

describe.each(databaseKinds())('webhooks on %s', (kind) => {
  let server: RunningFolio;
  let baseUrl: string;
  let receiver: Receiver;
  let owner: Account;
  let stranger: Account;
  /** How each path of the receiver answers (200 "ok" otherwise). */
  const answers = new Map<string, (request: Received, earlier: number) => Answer>();
  beforeAll(async () => {
    server = await startFolio(kind, SETTINGS);
    baseUrl = server.baseUrl;
    receiver = await startReceiver();
    receiver.answer = (request, earlier) => answers.get(request.path)?.(request, earlier) ?? { status: 200, body: 'ok' };
    [owner, stranger] = await Promise.all([signUp(baseUrl), signUp(baseUrl)]);
  });
  afterAll(async () => {
    await server?.stop();
    await receiver?.close();
  });

  /** An endpoint of `as` at the receiver under its own path, so each test reads only what it caused. */
  async function endpoint(as: Account, path: string, body: Record<string, unknown> = { event_types: ['post.published'] }): Promise<Endpoint> {
    const res = await send(baseUrl, '/api/v1/webhook-endpoints', { method: 'POST', headers: as.auth, json: { url: receiver.url(path), ...body } });
    expectConforms(contract.createWebhookEndpoint, res);
    expect(res.status, res.text).toBe(201);
    return res.body as Endpoint;
  }
  const arrived = (path: string) => receiver.received.filter((r) => r.path === path);
  const until = (path: string, count: number, timeoutMs?: number) => receiver.until(() => arrived(path).length >= count, timeoutMs);
  const publish = async (as: Account, title: string) => {
    const res = await send(baseUrl, '/api/v1/posts', { method: 'POST', headers: as.auth, json: { title, status: 'published' } });
    expect(res.status, res.text).toBe(201);
    return res.body as { id: string };
  };
  const getEndpoint = async (id: string) => (await send(baseUrl, `/api/v1/webhook-endpoints/${id}`, { headers: owner.auth })).body as Endpoint;
  const deliveries = async (endpointId: string, query = '') => {
    const res = await send(baseUrl, `/api/v1/webhook-endpoints/${endpointId}/deliveries?limit=100${query}`, { headers: owner.auth });
    expectConforms(contract.listWebhookDeliveries, res);
    expect(res.status, res.text).toBe(200);
    return (res.body as { data: Delivery[] }).data;
  };
  async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error(`timed out: ${JSON.stringify(value).slice(0, 1500)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('creates an endpoint with a secret shown once, reads, lists, updates and deletes it', async () => {
    const created = await endpoint(owner, '/crud', { description: 'CRUD', event_types: ['post.published', 'post.published', 'post.deleted'] });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const path = `/api/v1/webhook-endpoints/${created.id}`;
    const read = await send(baseUrl, path, { headers: owner.auth });
    expectConforms(contract.getWebhookEndpoint, read);
    expect(read.text).not.toContain('whsec_');
    expect((read.body as { event_types: string[] }).event_types).toEqual(['post.published', 'post.deleted']);

    const list = await send(baseUrl, '/api/v1/webhook-endpoints', { headers: owner.auth });
    expectConforms(contract.listWebhookEndpoints, list);
    expect((list.body as { data: { id: string }[] }).data.map((e) => e.id)).toContain(created.id);
    const theirs = await send(baseUrl, '/api/v1/webhook-endpoints', { headers: stranger.auth });
    expect((theirs.body as { data: { id: string }[] }).data.map((e) => e.id)).not.toContain(created.id);
    expect(problemCode(await send(baseUrl, path, { headers: stranger.auth }))).toBe('webhook_endpoint_not_found');
    const admin = await signUp(baseUrl, { admin: true });
    expect((await send(baseUrl, path, { headers: admin.auth })).status).toBe(200);
    const all = await send(baseUrl, '/api/v1/webhook-endpoints?limit=100', { headers: admin.auth });
    expect((all.body as { data: { id: string }[] }).data.map((e) => e.id)).toContain(created.id);

    const disabled = await send(baseUrl, path, { method: 'PATCH', headers: owner.auth, json: { enabled: false, event_types: null } });
    expectConforms(contract.updateWebhookEndpoint, disabled);
    expect(disabled.body).toMatchObject({ enabled: false, disabled_reason: 'manual', event_types: null });
    const enabled = await send(baseUrl, path, { method: 'PATCH', headers: owner.auth, json: { enabled: true } });
    expect(enabled.body).toMatchObject({ enabled: true, disabled_reason: null });

    const deleted = await send(baseUrl, path, { method: 'DELETE', headers: owner.auth });
    expectConforms(contract.deleteWebhookEndpoint, deleted);
    expect(deleted.status).toBe(204);
    expect((await send(baseUrl, path, { headers: owner.auth })).status).toBe(404);
  });

  it('refuses URLs Folio may not call, at creation and on update', async () => {
    // This server allows 127.0.0.1 (for the receiver); everything else private stays refused.
    for (const url of ['http://127.0.0.2:1/', 'http://10.0.0.1/', 'http://169.254.169.254/latest/meta-data', 'http://[::1]/', 'http://[::ffff:10.0.0.1]/', 'http://0x0a000001/', 'http://192.168.1.1/', 'http://100.64.0.1/', 'http://0.0.0.0/', 'http://[fd00:ec2::254]/']) {
      const res = await send(baseUrl, '/api/v1/webhook-endpoints', { method: 'POST', headers: owner.auth, json: { url } });
      expectConforms(contract.createWebhookEndpoint, res);
      expect(res.status, `${url}: ${res.text}`).toBe(422);
      expect(problemCode(res)).toBe('webhook_url_refused');
    }
    const notHttp = await send(baseUrl, '/api/v1/webhook-endpoints', { method: 'POST', headers: owner.auth, json: { url: 'ftp://example.com/' } });
    expect(notHttp.status).toBe(400);
    const created = await endpoint(owner, '/refused');
    const moved = await send(baseUrl, `/api/v1/webhook-endpoints/${created.id}`, { method: 'PATCH', headers: owner.auth, json: { url: 'http://10.1.2.3/' } });
    expectConforms(contract.updateWebhookEndpoint, moved);
    expect(problemCode(moved)).toBe('webhook_url_refused');
  });

  it('delivers each subscribed event, signed, as declared, and logs the attempt', async () => {
    const created = await endpoint(owner, '/deliver');
    const post = await publish(owner, 'Delivered');
    await until('/deliver', 1);
    const [request] = arrived('/deliver');
    expectDeclared(request!);
    const payload = verify(created.secret, request!) as { id: string; type: string; data: { post_id: string } };
    expect(payload).toMatchObject({ type: 'post.published', data: { post_id: post.id } });
    expect(request!.id).toBe(payload.id);
    expect(Math.abs(Number(request!.timestamp) - Date.now() / 1000)).toBeLessThan(60);
    // The same bytes the event log has for it.
    const logged = await send(baseUrl, `/api/v1/events?types=post.published&limit=100`, { headers: owner.auth });
    expectConforms(eventsContract.listEvents, logged);
    const [delivery] = await waitFor(() => deliveries(created.id), (d) => d[0]?.state === 'succeeded');
    expect(delivery).toMatchObject({ event_id: payload.id, event_type: 'post.published', attempt_count: 1, next_attempt_at: null });
    expect(delivery!.attempts).toMatchObject([{ success: true, status_code: 200, error: null }]);
    expect((await getEndpoint(created.id)).health.last_success_at).not.toBeNull();
    // Only the subscribed type: a comment is not delivered.
    await send(baseUrl, `/api/v1/posts/${post.id}/comments`, { method: 'POST', headers: owner.auth, json: { body: 'Not delivered' } });
    await publish(owner, 'Delivered too');
    await until('/deliver', 2);
    expect(arrived('/deliver').map((r) => r.type)).toEqual(['post.published', 'post.published']);
  });

  it('sends a draft’s events only to its author’s endpoints', async () => {
    const mine = await endpoint(owner, '/draft-owner', {});
    const theirs = await endpoint(stranger, '/draft-stranger', {});
    const draft = await send(baseUrl, '/api/v1/posts', { method: 'POST', headers: owner.auth, json: { title: 'Secret draft', status: 'draft' } });
    const draftId = (draft.body as { id: string }).id;
    await publish(owner, 'Public marker');
    await until('/draft-owner', 2);
    await until('/draft-stranger', 1);
    expect(arrived('/draft-owner').some((r) => r.body.includes(draftId))).toBe(true);
    // The stranger got the public post (so its deliveries are flowing), and nothing about the draft.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(arrived('/draft-stranger').some((r) => r.body.includes(draftId))).toBe(false);
    expect(mine.id).not.toBe(theirs.id);
  });

  it('retries failed attempts on the schedule with the same webhook-id, until acknowledged', async () => {
    answers.set('/retry', (_, earlier) => (earlier < 2 ? { status: 500, body: 'boom' } : { status: 204 }));
    const created = await endpoint(owner, '/retry');
    await publish(owner, 'Retried');
    await until('/retry', 3);
    const got = arrived('/retry');
    expect(new Set(got.map((r) => r.id)).size).toBe(1);
    for (const request of got) verify(created.secret, request);
    const [delivery] = await waitFor(() => deliveries(created.id), (d) => d[0]?.state === 'succeeded');
    expect(delivery!.attempts.map((a) => [a.status_code, a.success])).toEqual([
      [500, false],
      [500, false],
      [204, true],
    ]);
    expect((await getEndpoint(created.id)).health.consecutive_failures).toBe(0);
  });

  it('waits as long as Retry-After asks on a 429', async () => {
    answers.set('/slow-down', (_, earlier) => (earlier === 0 ? { status: 429, headers: { 'Retry-After': '2' } } : { status: 200 }));
    await endpoint(owner, '/slow-down');
    await publish(owner, 'Slow down');
    await until('/slow-down', 2);
    const [first, second] = arrived('/slow-down');
    // The schedule says 200 ms; the endpoint asked for 2 s.
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(1900);
  });

  it('disables an endpoint that answers 410, and says so with an event', async () => {
    answers.set('/gone', () => ({ status: 410 }));
    const created = await endpoint(owner, '/gone');
    await publish(owner, 'Gone');
    const after = await waitFor(() => getEndpoint(created.id), (e) => !e.enabled);
    expect(after.disabled_reason).toBe('gone');
    const [delivery] = await deliveries(created.id);
    expect(delivery!.state).toBe('failed');
    const events = await send(baseUrl, '/api/v1/events?types=webhook_endpoint.disabled&limit=100', { headers: owner.auth });
    expectConforms(eventsContract.listEvents, events);
    expect((events.body as { data: { data: { endpoint_id: string; reason: string } }[] }).data.map((e) => e.data)).toContainEqual({ endpoint_id: created.id, reason: 'gone' });
    // Another user does not see it.
    const theirs = await send(baseUrl, '/api/v1/events?types=webhook_endpoint.disabled&limit=100', { headers: stranger.auth });
    expect(theirs.text).not.toContain(created.id);
    // Disabled: nothing more is sent, and a redelivery is refused.
    await publish(owner, 'After gone');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(arrived('/gone')).toHaveLength(1);
    const retry = await send(baseUrl, `/api/v1/webhook-deliveries/${delivery!.id}/retry`, { method: 'POST', headers: owner.auth });
    expectConforms(contract.retryWebhookDelivery, retry);
    expect(retry.status).toBe(409);
    expect(problemCode(retry)).toBe('webhook_endpoint_disabled');
  });

  it('disables an endpoint failing for FOLIO_WEBHOOK_DISABLE_AFTER, failing its pending deliveries', async () => {
    answers.set('/failing', () => ({ status: 500 }));
    const created = await endpoint(owner, '/failing');
    await publish(owner, 'Failing');
    const after = await waitFor(() => getEndpoint(created.id), (e) => !e.enabled, 20_000);
    expect(after.disabled_reason).toBe('failing');
    expect(after.health.consecutive_failures).toBeGreaterThanOrEqual(4);
    const [delivery] = await deliveries(created.id);
    expect(delivery).toMatchObject({ state: 'failed', next_attempt_at: null });
    expect(delivery!.attempts.every((a) => a.status_code === 500 && !a.success)).toBe(true);
  });

  it('fails the pending deliveries of an endpoint its owner disables, so they can be found and redelivered', async () => {
    answers.set('/manual', () => ({ status: 500 }));
    const created = await endpoint(owner, '/manual');
    await publish(owner, 'Disabled by hand');
    await until('/manual', 1);
    const disabled = await send(baseUrl, `/api/v1/webhook-endpoints/${created.id}`, { method: 'PATCH', headers: owner.auth, json: { enabled: false } });
    expect(disabled.status, disabled.text).toBe(200);
    const [delivery] = await waitFor(() => deliveries(created.id), (d) => d[0]?.state === 'failed');
    expect(delivery).toMatchObject({ state: 'failed', next_attempt_at: null });
    expect((await deliveries(created.id, '&state=failed')).map((d) => d.id)).toEqual([delivery!.id]);
    // Enabled again, it can be redelivered, and is.
    answers.set('/manual', () => ({ status: 200 }));
    await send(baseUrl, `/api/v1/webhook-endpoints/${created.id}`, { method: 'PATCH', headers: owner.auth, json: { enabled: true } });
    const retry = await send(baseUrl, `/api/v1/webhook-deliveries/${delivery!.id}/retry`, { method: 'POST', headers: owner.auth });
    expect(retry.status, retry.text).toBe(202);
    await waitFor(() => deliveries(created.id), (d) => d[0]?.state === 'succeeded');
  });

  it('settles an attempt whose answer holds a NUL byte once, keeping the answer readable', async () => {
    answers.set('/nul', () => ({ status: 200, body: 'ok\0then binary' }));
    const created = await endpoint(owner, '/nul');
    await publish(owner, 'Answered with a NUL');
    const [delivery] = await waitFor(() => deliveries(created.id), (d) => d[0]?.state === 'succeeded');
    expect(delivery!.attempts).toMatchObject([{ success: true, status_code: 200, response_body: 'ok\uFFFDthen binary' }]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(arrived('/nul')).toHaveLength(1);
  });

  it('delivers what the token that made the endpoint may read on the event log, not all its owner could', async () => {
    const narrowAdmin = await signUp(baseUrl, { admin: true, scopes: ['webhooks:read', 'webhooks:write'] });
    const fullAdmin = await signUp(baseUrl, { admin: true });
    const narrowOwner = await issueToken(baseUrl, owner, { scopes: ['webhooks:read', 'webhooks:write'] });
    await endpoint(narrowAdmin, '/sight-narrow-admin', {});
    await endpoint(fullAdmin, '/sight-admin', {});
    await endpoint({ ...owner, auth: { Authorization: `Bearer ${narrowOwner.token}` } }, '/sight-narrow-owner', {});
    const draft = await send(baseUrl, '/api/v1/posts', { method: 'POST', headers: owner.auth, json: { title: 'Sight draft', status: 'draft' } });
    const draftId = (draft.body as { id: string }).id;
    const marker = await publish(owner, 'Sight marker');
    for (const path of ['/sight-narrow-admin', '/sight-admin', '/sight-narrow-owner']) {
      await receiver.until(() => arrived(path).some((r) => r.body.includes(marker.id)));
    }
    await receiver.until(() => arrived('/sight-admin').some((r) => r.body.includes(draftId)));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(arrived('/sight-narrow-admin').some((r) => r.body.includes(draftId))).toBe(false);
    expect(arrived('/sight-narrow-owner').some((r) => r.body.includes(draftId))).toBe(false);
  });

  it('redelivers on request, with the same webhook-id; others’ deliveries are not found', async () => {
    const created = await endpoint(owner, '/redeliver');
    await publish(owner, 'Redelivered');
    const [delivery] = await waitFor(() => deliveries(created.id), (d) => d[0]?.state === 'succeeded');
    const retry = await send(baseUrl, `/api/v1/webhook-deliveries/${delivery!.id}/retry`, { method: 'POST', headers: owner.auth });
    expectConforms(contract.retryWebhookDelivery, retry);
    expect(retry.status, retry.text).toBe(202);
    expect(retry.body).toMatchObject({ id: delivery!.id, state: 'pending' });
    await until('/redeliver', 2);
    expect(new Set(arrived('/redeliver').map((r) => r.id)).size).toBe(1);
    const [again] = await waitFor(() => deliveries(created.id), (d) => d[0]?.state === 'succeeded' && d[0].attempt_count === 2);
    expect(again!.attempts).toHaveLength(2);
    const theirs = await send(baseUrl, `/api/v1/webhook-deliveries/${delivery!.id}/retry`, { method: 'POST', headers: stranger.auth });
    expect(theirs.status).toBe(404);
    expect(problemCode(theirs)).toBe('webhook_delivery_not_found');
    // The state filter.
    expect(await deliveries(created.id, '&state=failed')).toEqual([]);
    expect((await deliveries(created.id, '&state=succeeded')).map((d) => d.id)).toEqual([delivery!.id]);
  });

  it('signs with both secrets during a rotation, then with the new one only', async () => {
    const created = await endpoint(owner, '/rotate');
    const rotated = await send(baseUrl, `/api/v1/webhook-endpoints/${created.id}/rotate-secret`, { method: 'POST', headers: owner.auth });
    expectConforms(contract.rotateWebhookSecret, rotated);
    expect(rotated.status, rotated.text).toBe(200);
    const { secret } = rotated.body as { secret: string };
    expect(secret).not.toBe(created.secret);
    await publish(owner, 'During rotation');
    await until('/rotate', 1);
    const [during] = arrived('/rotate');
    expect(during!.signature.split(' ')).toHaveLength(2);
    verify(secret, during!);
    verify(created.secret, during!);
    // After the overlap (3 s here), only the new secret signs.
    await new Promise((resolve) => setTimeout(resolve, 3200));
    await publish(owner, 'After rotation');
    await until('/rotate', 2);
    const later = arrived('/rotate')[1]!;
    expect(later.signature.split(' ')).toHaveLength(1);
    verify(secret, later);
    expect(() => verify(created.secret, later)).toThrow();
  });

  it('sends a test ping on demand and reports the outcome, reachable or not', async () => {
    const created = await endpoint(owner, '/ping');
    const res = await send(baseUrl, `/api/v1/webhook-endpoints/${created.id}/test`, { method: 'POST', headers: owner.auth });
    expectConforms(contract.testWebhookEndpoint, res);
    expect(res.body).toMatchObject({ success: true, status_code: 200, response_body: 'ok', error: null });
    const [ping] = arrived('/ping');
    expectDeclared(ping!);
    expect(verify(created.secret, ping!)).toMatchObject({ type: 'ping', data: { endpoint_id: created.id } });
    expect(ping!.id).toBe((res.body as { event_id: string }).event_id);

    answers.set('/ping-slow', () => ({ status: 200, delayMs: 3000 }));
    const slow = await endpoint(owner, '/ping-slow');
    const timedOut = await send(baseUrl, `/api/v1/webhook-endpoints/${slow.id}/test`, { method: 'POST', headers: owner.auth });
    expect(timedOut.body).toMatchObject({ success: false, status_code: null, error: 'timeout' });
    const nowhere = await endpoint(owner, '/unused', { event_types: ['user.created'] });
    await send(baseUrl, `/api/v1/webhook-endpoints/${nowhere.id}`, { method: 'PATCH', headers: owner.auth, json: { url: 'http://127.0.0.1:1/closed' } });
    const refused = await send(baseUrl, `/api/v1/webhook-endpoints/${nowhere.id}/test`, { method: 'POST', headers: owner.auth });
    expect(refused.body).toMatchObject({ success: false, status_code: null, error: 'connection_failed' });
    const redirect = await endpoint(owner, '/ping-redirect');
    answers.set('/ping-redirect', () => ({ status: 302, headers: { Location: receiver.url('/ping') } }));
    const moved = await send(baseUrl, `/api/v1/webhook-endpoints/${redirect.id}/test`, { method: 'POST', headers: owner.auth });
    expect(moved.body).toMatchObject({ success: false, status_code: 302, error: 'redirect' });
    expect(arrived('/ping')).toHaveLength(1);
  });

  it('never sends the same attempt twice at once', () => {
    expect(receiver.overlaps).toEqual([]);
  });

  if (kind === 'postgres') {
    it('keeps signing secrets sealed in the database', async () => {
      const created = await endpoint(owner, '/sealed');
      const client = new pg.Client({ connectionString: server.databaseUrl });
      await client.connect();
      try {
        const { rows } = await client.query<{ secret: string }>('select secret from webhook_endpoints where id = $1', [created.id]);
        expect(rows[0]!.secret).toMatch(/^v1\./);
        expect(rows[0]!.secret).not.toContain(created.secret.slice('whsec_'.length, 'whsec_'.length + 12));
        // An idempotent creation's copy kept for replays is sealed too, and a replay still shows the secret.
        const key = `sealed-${Date.now()}`;
        const create = () =>
          send(baseUrl, '/api/v1/webhook-endpoints', { method: 'POST', headers: { ...owner.auth, 'Idempotency-Key': key }, json: { url: receiver.url('/sealed-replay') } });
        const first = await create();
        expect(first.status, first.text).toBe(201);
        const secret = (first.body as { secret: string }).secret;
        const kept = await client.query<{ body: string }>('select body from idempotency_keys where key = $1', [key]);
        expect(kept.rows).toHaveLength(1);
        expect(kept.rows[0]!.body).toMatch(/^v1\./);
        expect(kept.rows[0]!.body).not.toContain(secret.slice('whsec_'.length, 'whsec_'.length + 12));
        const again = await create();
        expect(again.headers.get('idempotent-replayed')).toBe('true');
        expect((again.body as { secret: string }).secret).toBe(secret);
      } finally {
        await client.end();
      }
    });
  }
});
