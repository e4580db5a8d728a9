/**
 * The shared security suite: generated from the contracts for every operation that reads
 * credentials, so no protected operation can be added without these cases running against it.
 */
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { operations } from '../../contracts/index.ts';
import type { OperationSpec } from '../../contracts/operation.ts';
import { SCOPES } from '../../contracts/shared/auth.ts';
import { expectConforms, problemCode, send, type ApiResponse } from '../support/contract-assertions.ts';
import { ownedPath } from '../support/fixtures.ts';
import { issueToken, PASSWORD, signUp, type Account } from '../support/identity.ts';
import { exampleBody } from '../support/media.ts';

// Every database, and a server counting its rate limits in Redis when the run has one: the suite runs on every store.
const servers = [...inject('servers'), ...inject('redisServers')];
const protectedOps = (operations as readonly OperationSpec[]).filter((op) => op.auth.type !== 'public');
const bearerOps = protectedOps.filter((op) => op.auth.type === 'bearer');

describe.each(servers)('security suite on $kind', ({ baseUrl, logFile }) => {
  const seen: { op: string; res: ApiResponse }[] = [];
  const secrets: string[] = [];
  let owner: Account;
  let stranger: Account;
  let expired: string;
  let expiredId: string;
  let revoked: string;

  /** A request the operation would accept from `account`: path params name resources `account` owns (tests/support/fixtures.ts). */
  async function validRequest(op: OperationSpec, account: Account): Promise<{ path: string; init: RequestInit & { json?: unknown } }> {
    return { path: await ownedPath(op, baseUrl, account), init: { method: op.method.toUpperCase(), ...(await exampleBody(op)) } };
  }

  async function call(op: OperationSpec, headers: Record<string, string>, as: Account = owner): Promise<ApiResponse> {
    const { path, init } = await validRequest(op, as);
    const res = await send(baseUrl, path, { ...init, headers });
    seen.push({ op: op.operationId, res });
    expectConforms(op, res);
    return res;
  }

  beforeAll(async () => {
    owner = await signUp(baseUrl);
    stranger = await signUp(baseUrl);
    secrets.push(owner.token, stranger.token);
    const expiring = await issueToken(baseUrl, owner, { expiresIn: 1 });
    expired = expiring.token;
    expiredId = expiring.tokenId;
    const toRevoke = await issueToken(baseUrl, owner);
    revoked = toRevoke.token;
    const revocation = await send(baseUrl, `/api/v1/tokens/${toRevoke.tokenId}`, { method: 'DELETE', headers: owner.auth });
    expect(revocation.status).toBe(204);
    secrets.push(expired, revoked);
    await new Promise((r) => setTimeout(r, 1100));
  });

  it('an expired token is gone: revoking it is 404, as for one revoked already', async () => {
    for (const tokenId of [expiredId, expiredId]) {
      const res = await send(baseUrl, `/api/v1/tokens/${tokenId}`, { method: 'DELETE', headers: owner.auth });
      expect(res.status, res.text).toBe(404);
      expect(problemCode(res)).toBe('token_not_found');
    }
  });

  it.each(bearerOps.map((op) => [op.operationId, op] as const))('%s: no token → 401 with a Bearer challenge', async (_, op) => {
    const res = await call(op, {});
    expect(res.status, res.text).toBe(401);
    expect(problemCode(res)).toBe('unauthorized');
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="folio"/);
  });

  const malformed = ['Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'Token abc', 'Bearer folio_short', `Bearer ${'x'.repeat(5000)}`];
  it.each(protectedOps.map((op) => [op.operationId, op] as const))('%s: malformed credentials → 401 invalid_request', async (_, op) => {
    for (const value of malformed) {
      const res = await call(op, { Authorization: value });
      expect(res.status, `${value.slice(0, 30)}: ${res.text}`).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('error="invalid_request"');
    }
  });

  it.each(protectedOps.map((op) => [op.operationId, op] as const))('%s: unknown, expired and revoked tokens → 401 invalid_token', async (_, op) => {
    const unknown = `folio_${randomBytes(32).toString('base64url')}`;
    for (const token of [unknown, expired, revoked]) {
      const res = await call(op, { Authorization: `Bearer ${token}` });
      expect(res.status, res.text).toBe(401);
      expect(problemCode(res)).toBe('unauthorized');
      expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
    }
  });

  const scoped = bearerOps.filter((op) => op.auth.type === 'bearer' && op.auth.scopes.length > 0);
  it.each(scoped.map((op) => [op.operationId, op] as const))('%s: a token without the scope → 403 forbidden', async (_, op) => {
    // Every scope but the ones this operation needs (and admin).
    const needed = op.auth.type === 'bearer' ? op.auth.scopes : [];
    const others = SCOPES.filter((scope) => scope !== 'admin' && !needed.includes(scope));
    const { token } = await issueToken(baseUrl, owner, { scopes: others });
    secrets.push(token);
    const res = await call(op, { Authorization: `Bearer ${token}` });
    expect(res.status, res.text).toBe(403);
    expect(problemCode(res)).toBe('forbidden');
  });

  // Operations on a resource someone owns: what a stranger gets, by operation.
  const strangerOutcome: Record<string, [number, string]> = {
    updatePost: [403, 'forbidden'],
    deletePost: [403, 'forbidden'],
    updateComment: [403, 'forbidden'],
    deleteComment: [403, 'forbidden'],
    deleteToken: [404, 'token_not_found'],
    updateMedia: [404, 'media_not_found'],
    deleteMedia: [404, 'media_not_found'],
    updateWebhookEndpoint: [404, 'webhook_endpoint_not_found'],
    deleteWebhookEndpoint: [404, 'webhook_endpoint_not_found'],
  };
  // Writes addressed to one resource: the path ends in its id.
  const owned = protectedOps.filter((op) => op.path.endsWith('}') && op.method !== 'get');
  it('covers every protected operation on an owned resource', () => {
    const uncovered = owned.map((op) => op.operationId).filter((id) => !(id in strangerOutcome));
    expect(uncovered, `add ${uncovered.join(', ')} to strangerOutcome in tests/integration/security.test.ts: what does a user get for another user's resource?`).toEqual([]);
    const stale = Object.keys(strangerOutcome).filter((id) => !owned.some((op) => op.operationId === id));
    expect(stale, 'strangerOutcome names operations that are not protected writes on an owned resource').toEqual([]);
  });
  it.each(owned.map((op) => [op.operationId, op] as const))("%s: another user's resource → refused", async (_, op) => {
    const { path, init } = await validRequest(op, owner);
    const res = await send(baseUrl, path, { ...init, headers: stranger.auth });
    seen.push({ op: op.operationId, res });
    expectConforms(op, res);
    const outcome = strangerOutcome[op.operationId];
    if (!outcome) throw new Error(`add ${op.operationId} to strangerOutcome in tests/integration/security.test.ts`);
    const [status, code] = outcome;
    expect(res.status, res.text).toBe(status);
    expect(problemCode(res)).toBe(code);
  });

  it.each(protectedOps.map((op) => [op.operationId, op] as const))('%s: a valid token with the scopes → not refused', async (_, op) => {
    const res = await call(op, owner.auth);
    expect(res.status, res.text).toBeLessThan(300);
  });

  it('grants the admin scope only to administrators', async () => {
    const res = await send(baseUrl, '/api/v1/tokens', {
      method: 'POST',
      json: { email: owner.email, password: PASSWORD, scopes: [...SCOPES] },
    });
    expect(res.status).toBe(403);
  });

  it('leaks no password, password hash or token secret in any response or log line', async () => {
    // Nothing any response or log line carried may reveal a secret, save the one response whose
    // job is to hand a new token over. (Runs last: it reads what the cases above produced.)
    expect(seen.length).toBeGreaterThan(50);
    await new Promise((r) => setTimeout(r, 200));
    const log = readFileSync(logFile, 'utf8');
    // The responses whose job is to hand a secret over: a new token, a new webhook endpoint's or rotated signing secret.
    const handsOver = (op: string, status: number) => (op === 'createToken' && status === 201) || (op === 'createWebhookEndpoint' && status === 201) || (op === 'rotateWebhookSecret' && status === 200);
    const bodies = seen.filter(({ op, res }) => !handsOver(op, res.status)).map(({ res }) => res.text);
    expect(seen.some(({ op, res }) => handsOver(op, res.status) && /whsec_/.test(res.text))).toBe(true);
    for (const text of [log, ...bodies]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toMatch(/scrypt\$/);
      for (const secret of secrets) expect(text).not.toContain(secret);
      expect(text).not.toMatch(/folio_[A-Za-z0-9_-]{43}/);
      expect(text).not.toMatch(/whsec_[A-Za-z0-9+/]{20}/);
    }
  });
});
