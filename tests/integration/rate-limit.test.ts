import { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tokens from '../../contracts/tokens/operations.ts';
import { freePort } from '../../scripts/lib/folio-process.ts';
import { openDatabase } from '../../scripts/lib/database.ts';
import { expectConforms, send } from '../support/contract-assertions.ts';
import { startFolio, type RunningFolio } from '../support/folio-server.ts';
import { PASSWORD } from '../support/identity.ts';
import { limitStores, secondInstance, testRedisUrl } from '../support/rate-limit-stores.ts';
import { bucketPrefix } from '../../server/http/rate-limit-store.ts';

/** RateLimit: "read";r=3;t=2 → { r: 3, t: 2 } */
function remaining(header: string | null): { r: number; t: number } {
  const match = /^"(\w+)";r=(\d+);t=(\d+)$/.exec(header ?? '');
  expect(match, `RateLimit header: ${header}`).not.toBeNull();
  return { r: Number(match![2]), t: Number(match![3]) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Behind one trusted proxy each test speaks from addresses of its own: its budgets start fresh,
// whatever the readiness probe or another test spent, and windows start at a bucket's first request.
const LIMITS = { FOLIO_RATE_LIMITS: 'read=5/3,write=100/60,auth=2/3', FOLIO_TRUST_PROXY: 'true' };
let addresses = 0;
const newClient = () => ({ 'X-Forwarded-For': `192.0.2.${++addresses}` });

// Each store gets its own server with tiny limits, so the limits are reached quickly.
describe.each(limitStores())('rate limits counted in $store (on $kind)', ({ store, kind, env }) => {
  let server: RunningFolio;
  beforeAll(async () => {
    server = await startFolio(kind, { ...LIMITS, ...env });
  });
  afterAll(async () => server?.stop());

  const nobody = (client: Record<string, string>, base = server.baseUrl) => send(base, '/api/v1/users/nobody', { headers: client });

  it('counts per client, answers 429 with Retry-After in seconds, and resets with the window', async () => {
    const client = newClient();
    const seen = [];
    for (let i = 0; i < 5; i++) {
      const res = await nobody(client);
      expect(res.status).toBe(404);
      expect(res.headers.get('ratelimit-policy')).toBe('"read";q=5;w=3');
      seen.push(remaining(res.headers.get('ratelimit')).r);
    }
    expect(seen).toEqual([4, 3, 2, 1, 0]);
    const limited = await nobody(client);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toBe('application/problem+json');
    expect((limited.body as { code: string }).code).toBe('rate_limited');
    const retryAfter = limited.headers.get('retry-after');
    expect(retryAfter).toMatch(/^[1-3]$/);
    expect(remaining(limited.headers.get('ratelimit')).r).toBe(0);
    // Another client has a budget of its own.
    expect(remaining((await nobody(newClient())).headers.get('ratelimit')).r).toBe(4);

    await sleep(Number(retryAfter) * 1000 + 100);
    const after = await nobody(client);
    expect(after.status).toBe(404);
    expect(remaining(after.headers.get('ratelimit')).r).toBe(4);
  });

  it('counts an IPv6 client by its /64 (one host rotating through it is one client), an IPv4-mapped one as IPv4', async () => {
    const block = `2001:db8:${(++addresses).toString(16)}:1`;
    const first = await nobody({ 'X-Forwarded-For': `${block}::1` });
    expect(remaining(first.headers.get('ratelimit')).r).toBe(4);
    const rotated = await nobody({ 'X-Forwarded-For': `${block}:ffff:ffff:ffff:fffe` });
    expect(remaining(rotated.headers.get('ratelimit')).r).toBe(3);
    const nextBlock = await nobody({ 'X-Forwarded-For': `2001:db8:${addresses.toString(16)}:2::1` });
    expect(remaining(nextBlock.headers.get('ratelimit')).r).toBe(4);
    const v4 = newClient()['X-Forwarded-For'];
    expect(remaining((await nobody({ 'X-Forwarded-For': v4 })).headers.get('ratelimit')).r).toBe(4);
    expect(remaining((await nobody({ 'X-Forwarded-For': `::ffff:${v4}` })).headers.get('ratelimit')).r).toBe(3);
  });

  it('limits sign-in separately and more strictly, per client address', async () => {
    const client = newClient();
    // A new email each time, so that only the per-address limit is in play.
    const attempt = (n: number) =>
      send(server.baseUrl, '/api/v1/tokens', { method: 'POST', headers: client, json: { email: `x${n}@example.com`, password: 'wrong password' } });
    expect((await attempt(1)).status).toBe(401);
    expect((await attempt(2)).status).toBe(401);
    const third = await attempt(3);
    expectConforms(tokens.createToken, third);
    expect(third.status).toBe(429);
    expect(third.headers.get('ratelimit-policy')).toBe('"auth";q=2;w=3');
    expect(third.headers.get('retry-after')).toMatch(/^[1-3]$/);
    // Reads have their own budget.
    expect((await nobody(client)).status).toBe(404);
  });

  it('counts sign-in attempts per email too, whatever address they come from', async () => {
    const email = `target${addresses}@example.com`;
    const attempt = () => send(server.baseUrl, '/api/v1/tokens', { method: 'POST', headers: newClient(), json: { email, password: 'wrong password' } });
    expect((await attempt()).status).toBe(401);
    expect((await attempt()).status).toBe(401);
    const third = await attempt();
    expect(third.status, third.text).toBe(429);
    expect(third.text).toContain('sign-in attempts for this account');
    expect(third.headers.get('retry-after')).toMatch(/^[1-3]$/);
  });

  it('counts per account, across its tokens, on operations that read credentials', async () => {
    const name = `many${addresses}x${Date.now().toString(36)}`;
    const email = `${name}@example.com`;
    const created = await send(server.baseUrl, '/api/v1/users', {
      method: 'POST',
      headers: newClient(),
      json: { email, username: name, display_name: name, password: PASSWORD },
    });
    expect(created.status, created.text).toBe(201);
    // Two tokens: two sign-ins, the most the per-email auth budget (2) allows.
    const auths = [];
    for (let i = 0; i < 2; i++) {
      const res = await send(server.baseUrl, '/api/v1/tokens', { method: 'POST', headers: newClient(), json: { email, password: PASSWORD } });
      expect(res.status, res.text).toBe(201);
      auths.push({ Authorization: `Bearer ${(res.body as { token: string }).token}` });
    }
    const statuses = [];
    for (let i = 0; i < 7; i++) statuses.push((await send(server.baseUrl, '/api/v1/me', { headers: { ...auths[i % 2]!, ...newClient() } })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
  });

  if (store !== 'memory') {
    describe('with a second instance on the same store', () => {
      let other: RunningFolio;
      beforeAll(async () => {
        other = await secondInstance(server, { ...LIMITS, ...env });
      });
      afterAll(async () => other?.stop());

      it('shares the counts: a budget spent on one instance is spent on both', async () => {
        const client = newClient();
        for (let i = 0; i < 3; i++) expect((await nobody(client)).status).toBe(404);
        const there = await nobody(client, other.baseUrl);
        expect(there.status).toBe(404);
        expect(remaining(there.headers.get('ratelimit')).r).toBe(1);
        expect((await nobody(client, other.baseUrl)).status).toBe(404);
        expect((await nobody(client)).status).toBe(429);
      });

      // An operator shortens the window (here, an instance still on a longer one shares the store):
      // a bucket counted under the other window is not this policy's, so no reset lies beyond it.
      it('a bucket counted under another window does not carry over: the reset stays within the stated window', async () => {
        const longer = await secondInstance(server, { ...LIMITS, ...env, FOLIO_RATE_LIMITS: LIMITS.FOLIO_RATE_LIMITS.replace('read=5/3', 'read=5/60') });
        try {
          const client = newClient();
          expect(remaining((await nobody(client, longer.baseUrl)).headers.get('ratelimit')).t).toBeGreaterThan(3);
          const here = await nobody(client);
          expect(here.headers.get('ratelimit-policy')).toBe('"read";q=5;w=3');
          expect(remaining(here.headers.get('ratelimit'))).toEqual({ r: 4, t: 3 });
        } finally {
          await longer.stop();
        }
      });
    });
  }

  if (store === 'postgres') {
    it('keeps the counts in PostgreSQL', async () => {
      const client = newClient();
      await nobody(client);
      const conn = (await openDatabase({ kind: 'postgres', url: server.databaseUrl! }, { poolSize: 1 })) as unknown as Kysely<{
        rate_limits: { key: string; points: number };
      }>;
      try {
        const row = await conn.selectFrom('rate_limits').select(['points']).where('key', '=', `${bucketPrefix('read', 3)}:ip:${client['X-Forwarded-For']}`).executeTakeFirst();
        expect(row?.points).toBe(1);
      } finally {
        await conn.destroy();
      }
    });
  }

  if (store === 'redis') {
    it('keeps the counts in Redis, under its key prefix, for as long as their window', async () => {
      const client = newClient();
      await nobody(client);
      const redis = new Redis(testRedisUrl()!);
      try {
        const key = `${env.FOLIO_REDIS_PREFIX}ratelimit:${bucketPrefix('read', 3)}:ip:${client['X-Forwarded-For']}`;
        expect(await redis.get(key)).toBe('1');
        expect(await redis.pttl(key)).toBeGreaterThan(0);
        expect(await redis.pttl(key)).toBeLessThanOrEqual(3000);
      } finally {
        redis.disconnect();
      }
      // The server's first requests waited for the connection rather than count in process.
      expect(readFileSync(server.logFile, 'utf8')).not.toContain('rate-limit store failed');
    });
  }
});

// Redis away (nothing listens at REDIS_URL): requests are still answered and still limited —
// counted in the process until Redis answers — and the outage is logged once, not per request.
describe('rate limits when Redis cannot be reached', () => {
  let server: RunningFolio;
  beforeAll(async () => {
    server = await startFolio('pglite', { ...LIMITS, REDIS_URL: `redis://127.0.0.1:${await freePort()}`, FOLIO_REDIS_PREFIX: 'folio-test-away:' });
  });
  afterAll(async () => server?.stop());

  it('counts in process: same headers, same 429, no 5xx, one warning', async () => {
    const client = newClient();
    const statuses = [];
    for (let i = 0; i < 6; i++) {
      const res = await send(server.baseUrl, '/api/v1/users/nobody', { headers: client });
      statuses.push(res.status);
      expect(res.headers.get('ratelimit-policy')).toBe('"read";q=5;w=3');
      if (res.status === 404) expect(remaining(res.headers.get('ratelimit')).r).toBe(4 - i);
      else expect(res.headers.get('retry-after')).toMatch(/^[1-3]$/);
    }
    expect(statuses).toEqual([404, 404, 404, 404, 404, 429]);
    const warnings = readFileSync(server.logFile, 'utf8')
      .split('\n')
      .filter((line) => line.includes('rate-limit store failed'));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0]!)).toMatchObject({ level: 40, store: 'redis' });
  });
});
