import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { getComment } from '../../contracts/comments/operations.ts';
import { createPost, deletePost, getPost, listPosts, updatePost } from '../../contracts/posts/operations.ts';
import type { PostResource } from '../../contracts/posts/schemas.ts';
import { expectConforms, problemCode, send } from '../support/contract-assertions.ts';
import { signUp, type Account } from '../support/identity.ts';

const servers = inject('servers');

describe.each(servers)('conditional requests, caching and formats on $kind', ({ baseUrl }) => {
  let author: Account;
  const json = (body: unknown, headers: Record<string, string> = {}) => ({ json: body, headers: { ...author.auth, ...headers } });
  beforeAll(async () => {
    author = await signUp(baseUrl);
  });
  async function publish(title: string, extra: Record<string, unknown> = {}): Promise<PostResource> {
    const res = await send(baseUrl, createPost.path, { method: 'POST', ...json({ title, status: 'published', ...extra }) });
    expect(res.status, res.text).toBe(201);
    return res.body as PostResource;
  }

  describe('ETag and If-None-Match', () => {
    it('sends a strong ETag; If-None-Match with it → 304 and no body; a change → new ETag', async () => {
      const post = await publish('Conditional');
      const first = await send(baseUrl, `/api/v1/posts/${post.id}`);
      expectConforms(getPost, first);
      const etag = first.headers.get('etag')!;
      // fetch accepts gzip and br: a compressed answer's tag names its coding (server/etag.ts).
      expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}(?:\.(?:gzip|br))?"$/);
      expect((await send(baseUrl, `/api/v1/posts/${post.id}`)).headers.get('etag')).toBe(etag);

      const cached = await send(baseUrl, `/api/v1/posts/${post.id}`, { headers: { 'If-None-Match': `"other", ${etag}` } });
      expectConforms(getPost, cached);
      expect(cached.status).toBe(304);
      expect(cached.text).toBe('');
      expect(cached.headers.get('etag')).toBe(etag);
      expect((await send(baseUrl, `/api/v1/posts/${post.id}`, { headers: { 'If-None-Match': `W/${etag}` } })).status).toBe(304);
      expect((await send(baseUrl, `/api/v1/posts/${post.id}`, { headers: { 'If-None-Match': '"stale"' } })).status).toBe(200);

      await send(baseUrl, `/api/v1/posts/${post.id}`, { method: 'PATCH', ...json({ title: 'Changed' }) });
      const changed = await send(baseUrl, `/api/v1/posts/${post.id}`, { headers: { 'If-None-Match': etag } });
      expect(changed.status).toBe(200);
      expect(changed.headers.get('etag')).not.toBe(etag);
    });

    it('works the same for comments: ETag, then 304', async () => {
      const post = await publish('Commented');
      const created = await send(baseUrl, `/api/v1/posts/${post.id}/comments`, { method: 'POST', ...json({ body: 'Hi' }) });
      const path = `/api/v1/posts/${post.id}/comments/${(created.body as { id: string }).id}`;
      const etag = (await send(baseUrl, path)).headers.get('etag')!;
      const cached = await send(baseUrl, path, { headers: { 'If-None-Match': etag } });
      expectConforms(getComment, cached);
      expect(cached.status).toBe(304);
    });

    it('varies on Authorization and Accept, and HEAD answers with the same headers', async () => {
      const post = await publish('Vary');
      const head = await send(baseUrl, `/api/v1/posts/${post.id}`, { method: 'HEAD' });
      const get = await send(baseUrl, `/api/v1/posts/${post.id}`);
      expect(head.status).toBe(200);
      expect(head.text).toBe('');
      // The same representation's tag: HEAD sends no body, so none compressed, and names the identity's.
      expect(head.headers.get('etag')).toBe(get.headers.get('etag')!.replace(/\.(?:gzip|br)"$/, '"'));
      expect(get.headers.get('vary')).toMatch(/\bAuthorization, Accept\b/);
    });
  });

  describe('If-Match', () => {
    it('refuses a stale write with 412 and changes nothing; a fresh one succeeds', async () => {
      const post = await publish('Guarded');
      const etag = (await send(baseUrl, `/api/v1/posts/${post.id}`)).headers.get('etag')!;
      const stale = await send(baseUrl, `/api/v1/posts/${post.id}`, { method: 'PATCH', ...json({ title: 'No' }, { 'If-Match': '"stale"' }) });
      expectConforms(updatePost, stale);
      expect(stale.status).toBe(412);
      expect(problemCode(stale)).toBe('precondition_failed');
      expect(((await send(baseUrl, `/api/v1/posts/${post.id}`)).body as PostResource).title).toBe('Guarded');

      const fresh = await send(baseUrl, `/api/v1/posts/${post.id}`, { method: 'PATCH', ...json({ title: 'Yes' }, { 'If-Match': etag }) });
      expectConforms(updatePost, fresh);
      expect(fresh.status, fresh.text).toBe(200);
      const weak = await send(baseUrl, `/api/v1/posts/${post.id}`, { method: 'DELETE', headers: { ...author.auth, 'If-Match': `W/${fresh.headers.get('etag')}` } });
      expectConforms(deletePost, weak);
      expect(weak.status, 'If-Match compares strongly: a weak tag never matches').toBe(412);
      const del = await send(baseUrl, `/api/v1/posts/${post.id}`, { method: 'DELETE', headers: { ...author.auth, 'If-Match': fresh.headers.get('etag')! } });
      expect(del.status).toBe(204);
    });

    it('lets exactly one of two concurrent PATCHes with the same If-Match win', async () => {
      for (let round = 0; round < 5; round++) {
        const post = await publish(`Race ${round}`);
        const etag = (await send(baseUrl, `/api/v1/posts/${post.id}`)).headers.get('etag')!;
        const results = await Promise.all(
          ['A', 'B'].map((who) => send(baseUrl, `/api/v1/posts/${post.id}`, { method: 'PATCH', ...json({ title: who }, { 'If-Match': etag }) })),
        );
        expect(results.map((r) => r.status).sort(), results.map((r) => r.text).join('\n')).toEqual([200, 412]);
        const winner = results.find((r) => r.status === 200)!.body as PostResource;
        expect(((await send(baseUrl, `/api/v1/posts/${post.id}`)).body as PostResource).title).toBe(winner.title);
      }
    });
  });

  describe('Cache-Control', () => {
    it('public for anonymous published reads; private for authenticated reads, drafts and writes; no-store for problems', async () => {
      const post = await publish('Cacheable');
      const publicCache = 'public, s-maxage=60, stale-while-revalidate=300';
      expect((await send(baseUrl, `/api/v1/posts/${post.id}`)).headers.get('cache-control')).toBe(publicCache);
      expect((await send(baseUrl, '/api/v1/posts')).headers.get('cache-control')).toBe(publicCache);
      expect((await send(baseUrl, '/api/v1/tags')).headers.get('cache-control')).toBe(publicCache);
      expect((await send(baseUrl, `/api/v1/posts/${post.id}`, { headers: author.auth })).headers.get('cache-control')).toBe('private, no-store');
      const draft = await send(baseUrl, createPost.path, { method: 'POST', ...json({ title: 'Draft' }) });
      expect(draft.headers.get('cache-control')).toBe('private, no-store');
      const draftRead = await send(baseUrl, `/api/v1/posts/${(draft.body as PostResource).id}`, { headers: author.auth });
      expect(draftRead.headers.get('cache-control')).toBe('private, no-store');
      expect((await send(baseUrl, '/api/v1/posts/post_00000000000000000000000000')).headers.get('cache-control')).toBe('no-store');
    });
  });

  describe('lists', () => {
    it('send Link rel="next" while there is a next page, and it leads there', async () => {
      const tag = `link-${randomUUID().slice(0, 8)}`;
      for (let i = 0; i < 3; i++) await publish(`Linked ${i}`, { tags: [tag] });
      const first = await send(baseUrl, `/api/v1/posts?tag=${tag}&limit=2`);
      expectConforms(listPosts, first);
      const link = first.headers.get('link')!;
      expect(link).toMatch(/^<\/api\/v1\/posts\?tag=[a-z0-9-]+&limit=2&cursor=[A-Za-z0-9_-]+>; rel="next"$/);
      const next = await send(baseUrl, link.slice(1, link.indexOf('>')));
      expect((next.body as { data: unknown[] }).data).toHaveLength(1);
      expect(next.headers.get('link')).toBeNull();
    });
  });

  describe('CSV', () => {
    it('streams RFC 4180 CSV with a header row and neutralised formulas', async () => {
      const tag = `csv-${randomUUID().slice(0, 8)}`;
      await publish('=HYPERLINK("http://evil","click")', { tags: [tag], body: 'line one\nline "two", with comma' });
      await publish('+SUM(A1)', { tags: [tag], excerpt: '@cmd', body: '-2+3' });
      await publish('Plain', { tags: [tag] });
      const res = await send(baseUrl, `/api/v1/posts?tag=${tag}`, { headers: { Accept: 'text/csv' } });
      expectConforms(listPosts, res);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      const lines = res.text.split('\r\n');
      expect(lines[0]).toBe('id,slug,title,status,tags,author,excerpt,body,created_at,updated_at,published_at');
      expect(res.text).toContain(`"'=HYPERLINK(""http://evil"",""click"")"`);
      expect(res.text).toContain(`'+SUM(A1)`);
      expect(res.text).toContain(`'@cmd,'-2+3,`);
      expect(res.text).toContain('"line one\nline ""two"", with comma"');
      expect(res.text.endsWith('\r\n')).toBe(true);
      // Header + three posts; the body with a newline is one quoted field.
      expect(res.text.match(/\r\npost_/g)).toHaveLength(3);
    });

    it('exports every match, beyond one page, in order', async () => {
      const tag = `csvbig-${randomUUID().slice(0, 8)}`;
      const ids: string[] = [];
      for (let i = 0; i < 120; i++) ids.push((await publish(`Bulk ${i}`, { tags: [tag] })).id);
      const res = await send(baseUrl, `/api/v1/posts?tag=${tag}&limit=5`, { headers: { Accept: 'text/csv' } });
      const rows = res.text.trim().split('\r\n').slice(1);
      expect(rows.map((row) => row.split(',')[0])).toEqual([...ids].reverse());
    });

    it('answers an Accept it cannot satisfy with 406', async () => {
      const res = await send(baseUrl, '/api/v1/posts', { headers: { Accept: 'application/xml' } });
      expectConforms(listPosts, res);
      expect(res.status).toBe(406);
      expect(problemCode(res)).toBe('not_acceptable');
      const get = await send(baseUrl, '/api/v1/posts/post_00000000000000000000000000', { headers: { Accept: 'text/csv' } });
      expect(get.status).toBe(406);
      expect((await send(baseUrl, '/api/v1/posts', { headers: { Accept: 'text/csv;q=0.5, application/json' } })).headers.get('content-type')).toBe('application/json');
      expect((await send(baseUrl, '/api/v1/posts', { headers: { Accept: '*/*' } })).headers.get('content-type')).toBe('application/json');
    });

    it('never sends JSON to a client that refused it (q=0), even one that accepts problems or anything else', async () => {
      for (const accept of ['application/json;q=0, */*;q=0.1', 'application/json;q=0, application/problem+json', 'application/*;q=0, text/html']) {
        const res = await send(baseUrl, '/api/v1/tags', { headers: { Accept: accept } });
        expect(res.status, accept).toBe(406);
        expect(problemCode(res)).toBe('not_acceptable');
      }
      // Not naming JSON is not refusing it: problems only, or a catch-all, still get JSON.
      for (const accept of ['application/problem+json', 'text/html, */*;q=0.1']) {
        const res = await send(baseUrl, '/api/v1/tags', { headers: { Accept: accept } });
        expect(res.status, accept).toBe(200);
        expect(res.headers.get('content-type')).toBe('application/json');
      }
      // Refusing JSON while accepting another representation gets that one.
      const csv = await send(baseUrl, '/api/v1/posts', { headers: { Accept: 'application/json;q=0, application/problem+json, text/csv;q=0.5' } });
      expect(csv.status, csv.text).toBe(200);
      expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      // The health documents are JSON too: refusing application/health+json refuses them.
      const health = await send(baseUrl, '/api/health/live', { headers: { Accept: 'application/health+json;q=0, application/json' } });
      expect(health.status).toBe(406);
    });
  });
});
