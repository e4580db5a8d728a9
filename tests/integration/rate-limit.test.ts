import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds, startFolio, type RunningFolio } from '../support/folio-server.ts';
import { send } from '../support/contract-assertions.ts';

/** RateLimit: "read";r=3;t=2 → { r: 3, t: 2 } */
function remaining(header: string | null): { r: number; t: number } {
  const match = /^"(\w+)";r=(\d+);t=(\d+)$/.exec(header ?? '');
  expect(match, `RateLimit header: ${header}`).not.toBeNull();
  return { r: Number(match![2]), t: Number(match![3]) };
}

// Each database gets its own server with tiny limits, so the limit is reached quickly.
describe.each(databaseKinds())('rate limits on %s', (kind) => {
  let server: RunningFolio;
  beforeAll(async () => {
    server = await startFolio(kind, { FOLIO_RATE_LIMITS: 'read=5/3,write=100/60,auth=2/3' });
  });
  afterAll(async () => server?.stop());

  it('counts per client, answers 429 with Retry-After in seconds, and resets with the window', async () => {
    // Start at the beginning of a window so the five requests cannot straddle two.
    await new Promise((r) => setTimeout(r, 3000 - (Date.now() % 3000) + 50));
    const seen = [];
    for (let i = 0; i < 5; i++) {
      const res = await send(server.baseUrl, '/api/v1/users/nobody');
      expect(res.status).toBe(404);
      expect(res.headers.get('ratelimit-policy')).toBe('"read";q=5;w=3');
      seen.push(remaining(res.headers.get('ratelimit')).r);
    }
    expect(seen).toEqual([4, 3, 2, 1, 0]);
    const limited = await send(server.baseUrl, '/api/v1/users/nobody');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toBe('application/problem+json');
    expect((limited.body as { code: string }).code).toBe('rate_limited');
    const retryAfter = limited.headers.get('retry-after');
    expect(retryAfter).toMatch(/^[1-3]$/);
    expect(remaining(limited.headers.get('ratelimit')).r).toBe(0);

    await new Promise((r) => setTimeout(r, Number(retryAfter) * 1000 + 100));
    const after = await send(server.baseUrl, '/api/v1/users/nobody');
    expect(after.status).toBe(404);
    expect(remaining(after.headers.get('ratelimit')).r).toBe(4);
  });

  it('limits sign-in separately and more strictly, per client address', async () => {
    await new Promise((r) => setTimeout(r, 3000 - (Date.now() % 3000) + 50));
    const attempt = () => send(server.baseUrl, '/api/v1/tokens', { method: 'POST', json: { email: 'x@example.com', password: 'wrong' } });
    expect((await attempt()).status).toBe(401);
    expect((await attempt()).status).toBe(401);
    const third = await attempt();
    expect(third.status).toBe(429);
    expect(third.headers.get('ratelimit-policy')).toBe('"auth";q=2;w=3');
    // Reads have their own budget.
    expect((await send(server.baseUrl, '/api/v1/users/nobody')).status).toBe(404);
  });
});
