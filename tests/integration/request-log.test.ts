import { readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { send } from '../support/contract-assertions.ts';
import { signUp } from '../support/identity.ts';

const servers = inject('servers');

describe.each(servers)('request log on $kind', ({ baseUrl, logFile }) => {
  it('writes one JSON line per request with id, method, route template, status, duration and user', async () => {
    const account = await signUp(baseUrl);
    const res = await send(baseUrl, '/api/v1/me', { headers: account.auth });
    const requestId = res.headers.get('x-request-id');
    await new Promise((r) => setTimeout(r, 200));
    const lines = readFileSync(logFile, 'utf8')
      .split('\n')
      .filter((line) => line.includes(`"${requestId}"`));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      request_id: requestId,
      method: 'GET',
      route: '/api/v1/me',
      operation: 'getMe',
      status: 200,
      user_id: account.user.id,
      duration_ms: expect.any(Number),
    });
  });
});
