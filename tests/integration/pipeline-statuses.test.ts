/**
 * Statuses every operation can answer because of the shared pipeline — 406, 413 and 429 —
 * generated from the contracts for every operation that declares them, so none is left unproven.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { operations } from '../../contracts/index.ts';
import { operationErrors, rateLimitClass, type OperationSpec } from '../../contracts/operation.ts';
import { expectConforms, problemCode, send } from '../support/contract-assertions.ts';
import { databaseKinds, startFolio, type RunningFolio } from '../support/folio-server.ts';
import { absentPath, ownedPath, signedPath } from '../support/fixtures.ts';
import { signUp, type Account } from '../support/identity.ts';
import { pdf, uploadForm } from '../support/media.ts';

const servers = inject('servers');
const all = operations as readonly OperationSpec[];
const declares = (op: OperationSpec, code: string) => operationErrors(op).some((error) => error.code === code);
const request = (op: OperationSpec) => ({ path: absentPath(op), method: op.method.toUpperCase() });

describe.each(servers)('pipeline statuses on $kind', ({ baseUrl }) => {
  let admin: Account;
  beforeAll(async () => {
    admin = await signUp(baseUrl, { admin: true });
  });

  it.each(all.filter((op) => declares(op, 'not_acceptable')).map((op) => [op.operationId, op] as const))(
    '%s: an Accept it cannot satisfy → 406',
    async (_, op) => {
      const { path, method } = request(op);
      const res = await send(baseUrl, path, { method, headers: { ...admin.auth, Accept: 'application/xml' } });
      expectConforms(op, res);
      expect(res.status, res.text).toBe(406);
      expect(problemCode(res)).toBe('not_acceptable');
    },
  );

  it.each(all.filter((op) => op.conditional === 'write').map((op) => [op.operationId, op] as const))(
    '%s: an If-Match that no longer matches → 412, and nothing changes',
    async (_, op) => {
      // Resources the admin owns (tests/support/fixtures.ts), whatever the path names.
      const path = await ownedPath(op, baseUrl, admin);
      const before = await send(baseUrl, path, { headers: admin.auth });
      expect(before.status, before.text).toBe(200);
      const body = op.request?.body?.example;
      const res = await send(baseUrl, path, { method: op.method.toUpperCase(), headers: { ...admin.auth, 'If-Match': '"stale"' }, ...(body !== undefined && { json: body }) });
      expectConforms(op, res);
      expect(res.status, res.text).toBe(412);
      expect(problemCode(res)).toBe('precondition_failed');
      expect((await send(baseUrl, path, { headers: admin.auth })).text).toBe(before.text);
    },
  );

  it.each(all.filter((op) => op.conditional === 'read').map((op) => [op.operationId, op] as const))(
    '%s: If-None-Match with the current ETag → 304, no body',
    async (_, op) => {
      const path = await ownedPath(op, baseUrl, admin);
      const first = await send(baseUrl, path, { headers: admin.auth });
      expect(first.status, first.text).toBe(200);
      const etag = first.headers.get('etag');
      expect(etag).toMatch(/^"/);
      const again = await send(baseUrl, path, { headers: { ...admin.auth, 'If-None-Match': etag! } });
      expectConforms(op, again);
      expect(again.status, again.text).toBe(304);
      // The Vary of the 200 it stands for (RFC 9110 §15.4.5), Accept-Encoding included.
      expect(again.headers.get('vary')).toBe(first.headers.get('vary'));
      expect(again.headers.get('content-type')).toBeNull();
    },
  );

  it.each(all.filter((op) => op.idempotent).map((op) => [op.operationId, op] as const))(
    '%s: one Idempotency-Key for two different requests → 422, and the first is replayed to its own',
    async (_, op) => {
      const path = await ownedPath(op, baseUrl, admin);
      const body = op.request!.body!.example as Record<string, unknown>;
      // The same request with a text field changed, to another valid value.
      const other = Object.entries(body)
        .filter(([, v]) => typeof v === 'string')
        .map(([field, v]) => ({ ...body, [field]: `${v as string} again` }))
        .find((candidate) => op.request!.body!.schema.safeParse(candidate).success)!;
      expect(other, `${op.operationId}: no text field of its example can change and stay valid`).toBeDefined();
      const key = `pipeline-${op.operationId}-${Date.now()}`;
      const headers = { ...admin.auth, 'Idempotency-Key': key };
      const first = await send(baseUrl, path, { method: 'POST', headers, json: body });
      expect(first.status, first.text).toBeLessThan(300);
      const reused = await send(baseUrl, path, { method: 'POST', headers, json: other });
      expectConforms(op, reused);
      expect(reused.status, reused.text).toBe(422);
      expect(problemCode(reused)).toBe('idempotency_key_reused');
      const replay = await send(baseUrl, path, { method: 'POST', headers, json: body });
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(replay.text).toBe(first.text);
    },
  );

  it.each(all.filter((op) => declares(op, 'payload_too_large')).map((op) => [op.operationId, op] as const))(
    '%s: a body over the limit → 413',
    async (_, op) => {
      const { path, method } = request(op);
      // JSON bodies: over FOLIO_MAX_BODY_BYTES (1 MiB); uploads: a file over FOLIO_MEDIA_MAX_BYTES (25 MiB).
      const res = op.request?.multipart
        ? await send(baseUrl, path, { method, body: uploadForm(pdf(op.request.multipart.file.maxBytes + 1)), headers: admin.auth })
        : await send(baseUrl, path, { method, body: JSON.stringify({ padding: 'x'.repeat(1024 * 1024 + 1) }), headers: { ...admin.auth, 'Content-Type': 'application/json' } });
      expectConforms(op, res);
      expect(res.status, res.text).toBe(413);
      expect(problemCode(res)).toBe('payload_too_large');
    },
  );
});

// One request per class per window: once a caller's budget for a class is spent, every
// operation of that class answers 429 with Retry-After.
describe.each(databaseKinds())('429 for every operation on %s', (kind) => {
  let server: RunningFolio;
  let account: Account;
  beforeAll(async () => {
    server = await startFolio(kind, { FOLIO_RATE_LIMITS: 'read=1/600,write=1/600,auth=2/600' });
    // Registering and signing in spend the client address's auth budget; reading /me the token's read budget.
    account = await signUp(server.baseUrl);
  });
  afterAll(async () => server?.stop());

  it.each(all.filter((op) => declares(op, 'rate_limited')).map((op) => [op.operationId, op] as const))(
    '%s: over the budget → 429 with Retry-After',
    async (_, op) => {
      const { path, method } = request(op);
      let res = await send(server.baseUrl, path, { method, headers: account.auth });
      if (res.status !== 429) res = await send(server.baseUrl, path, { method, headers: account.auth });
      expectConforms(op, res);
      expect(res.status, res.text).toBe(429);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    },
  );

  // Probes an orchestrator sends must never be turned away: `rateLimit: 'none'` is not counted.
  it.each(all.filter((op) => rateLimitClass(op) === 'none').map((op) => [op.operationId, op] as const))(
    '%s: not rate limited → no 429 however often, and no RateLimit headers',
    async (_, op) => {
      const { path, method } = request(op);
      for (let i = 0; i < 5; i++) {
        const res = await send(server.baseUrl, path, { method, headers: account.auth });
        expectConforms(op, res);
        expect(res.status, res.text).toBe(200);
        expect(res.headers.get('ratelimit')).toBeNull();
      }
    },
  );
});

// The database away (nothing listens at the configured PostgreSQL): every operation answers a
// 503 problem with Retry-After within the connect timeout — never a 500, never a hang.
describe('503 for every operation without a database', () => {
  let server: RunningFolio;
  beforeAll(async () => {
    server = await startFolio('unreachable');
  });
  afterAll(async () => server?.stop());

  it.each(all.filter((op) => declares(op, 'service_unavailable')).map((op) => [op.operationId, op] as const))(
    '%s: database unreachable → 503 with Retry-After',
    async (_, op) => {
      const { path, method } = request(op);
      const body = op.request?.body?.example;
      // An operation a signature authenticates gets a valid one, so the request reaches the database.
      const signed = signedPath(op, JSON.stringify(body));
      const res = await send(server.baseUrl, signed?.path ?? path, {
        method,
        headers: { Authorization: `Bearer folio_${'x'.repeat(43)}`, ...signed?.headers },
        ...(body !== undefined && { json: body }),
      });
      expectConforms(op, res);
      expect(res.status, res.text).toBe(503);
      expect(problemCode(res)).toBe('service_unavailable');
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(res.headers.get('cache-control')).toBe('no-store');
    },
  );

  // Readiness reports the outage in its own document; liveness never asks the database.
  it.each(all.filter((op) => op.responses[503]).map((op) => [op.operationId, op] as const))(
    '%s: database unreachable → its own 503 document',
    async (_, op) => {
      const { path, method } = request(op);
      const res = await send(server.baseUrl, path, { method });
      expectConforms(op, res);
      expect(res.status, res.text).toBe(503);
    },
  );

  it.each(all.filter((op) => op.database === 'none').map((op) => [op.operationId, op] as const))(
    '%s: database unreachable → 200, it never asks the database',
    async (_, op) => {
      const { path, method } = request(op);
      const res = await send(server.baseUrl, path, { method });
      expectConforms(op, res);
      expect(res.status, res.text).toBe(200);
    },
  );
});
