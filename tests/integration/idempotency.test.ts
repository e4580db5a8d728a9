import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createPost } from '../../contracts/posts/operations.ts';
import type { PostResource } from '../../contracts/posts/schemas.ts';
import { expectConforms, problemCode, send } from '../support/contract-assertions.ts';
import { signUp, type Account } from '../support/identity.ts';

const servers = inject('servers');

async function countByTag(baseUrl: string, account: Account, tag: string, status: 'draft' | 'published'): Promise<number> {
  const res = await send(baseUrl, `/api/v1/posts?tag=${tag}&status=${status}&limit=100`, { headers: account.auth });
  return (res.body as { data: unknown[] }).data.length;
}

describe.each(servers)('Idempotency-Key on $kind', ({ baseUrl }) => {
  let account: Account;
  beforeAll(async () => {
    account = await signUp(baseUrl);
  });
  const post = (key: string, body: unknown, as: Account = account) =>
    send(baseUrl, createPost.path, { method: 'POST', json: body, headers: { ...as.auth, 'Idempotency-Key': key } });

  it('50 concurrent POSTs with one key create one post, and every response is the same', async () => {
    const tag = `idem-${randomUUID().slice(0, 8)}`;
    const key = randomUUID();
    const results = await Promise.all(Array.from({ length: 50 }, () => post(key, { title: 'Once', tags: [tag] })));
    for (const res of results) expectConforms(createPost, res);
    expect(new Set(results.map((r) => r.status))).toEqual(new Set([201]));
    expect(new Set(results.map((r) => r.text)).size).toBe(1);
    expect(new Set(results.map((r) => r.headers.get('location'))).size).toBe(1);
    expect(results.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(49);
    expect(await countByTag(baseUrl, account, tag, 'draft')).toBe(1);
  });

  it('replays a retry, refuses the key with another payload (422), and scopes keys to the caller', async () => {
    const key = randomUUID();
    const first = await post(key, { title: 'First' });
    const retry = await post(key, { title: 'First' });
    expect(retry.status).toBe(201);
    expect(retry.text).toBe(first.text);
    const other = await post(key, { title: 'Different' });
    expectConforms(createPost, other);
    expect(other.status).toBe(422);
    expect(problemCode(other)).toBe('idempotency_key_reused');
    const someoneElse = await post(key, { title: 'Different' }, await signUp(baseUrl));
    expect(someoneElse.status, 'another caller’s key is another key').toBe(201);
    expect((someoneElse.body as PostResource).id).not.toBe((first.body as PostResource).id);
  });

  it('validates the key like any other input', async () => {
    for (const key of ['', 'has space', 'x'.repeat(256)]) {
      const res = await post(key, { title: 'Bad key' });
      expectConforms(createPost, res);
      expect(res.status, JSON.stringify(key)).toBe(400);
    }
  });
});
