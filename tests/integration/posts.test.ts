import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { expandPath } from '../../contracts/operation.ts';
import { createPost, deletePost, getPost, listPosts, updatePost } from '../../contracts/posts/operations.ts';
import type { PostResource } from '../../contracts/posts/schemas.ts';
import { expectConforms, problemCode, send as sendAnonymously, type ApiResponse } from '../support/contract-assertions.ts';
import { signUp, type Account } from '../support/identity.ts';

const servers = inject('servers');

describe.each(servers)('posts on $kind', ({ baseUrl }) => {
  let author: Account;
  beforeAll(async () => {
    author = await signUp(baseUrl);
  });
  // Every request here is the author's unless a test says otherwise.
  const send = (base: string, path: string, init: Parameters<typeof sendAnonymously>[2] = {}) =>
    sendAnonymously(base, path, { ...init, headers: { ...author.auth, ...(init.headers as Record<string, string>) } });
  const unique = () => randomUUID().slice(0, 8);
  const postPath = (id: string) => expandPath(getPost.path, { postId: id });

  async function create(body: Record<string, unknown>): Promise<PostResource> {
    const res = await send(baseUrl, createPost.path, { method: 'POST', json: body });
    expectConforms(createPost, res);
    expect(res.status, res.text).toBe(201);
    return res.body as PostResource;
  }

  async function listAll(query: string): Promise<{ pages: ApiResponse[]; posts: PostResource[] }> {
    const pages: ApiResponse[] = [];
    let cursor: string | null = null;
    do {
      const res = await send(baseUrl, `${listPosts.path}?${query}${cursor ? `&cursor=${cursor}` : ''}`);
      expectConforms(listPosts, res);
      expect(res.status, res.text).toBe(200);
      pages.push(res);
      cursor = (res.body as { next_cursor: string | null }).next_cursor;
    } while (cursor && pages.length < 1000);
    return { pages, posts: pages.flatMap((p) => (p.body as { data: PostResource[] }).data) };
  }

  describe('create', () => {
    it('answers 201 with the post, its Location and defaults', async () => {
      const title = `Hello, Wörld ${unique()}`;
      const res = await send(baseUrl, createPost.path, { method: 'POST', json: { title } });
      expectConforms(createPost, res);
      expect(res.status, res.text).toBe(201);
      const post = res.body as PostResource;
      expect(res.headers.get('location')).toBe(postPath(post.id));
      expect(post).toMatchObject({ title, body: '', excerpt: '', status: 'draft', tags: [], published_at: null });
      expect(post.author).toEqual({
        id: author.user.id,
        username: author.user.username,
        display_name: author.user.display_name,
        created_at: author.user.created_at,
      });
      expect(post.slug).toBe(title.toLowerCase().replace('ö', 'oe').replace(', ', '-').replaceAll(' ', '-'));
      expect(post.created_at).toBe(post.updated_at);
    });

    it('derives unique slugs from equal titles, even when created concurrently', async () => {
      const title = `Same title ${unique()}`;
      const posts = await Promise.all(Array.from({ length: 8 }, () => create({ title })));
      const slugs = posts.map((p) => p.slug).sort();
      const base = title.toLowerCase().replaceAll(' ', '-');
      expect(new Set(slugs).size).toBe(8);
      expect(slugs).toContain(base);
      expect(slugs.filter((s) => s !== base).every((s) => /-\d+$/.test(s) && s.startsWith(`${base}-`))).toBe(true);
    });

    it('refuses an explicit slug that is taken with 409 slug_taken', async () => {
      const slug = `taken-${unique()}`;
      await create({ title: 'First', slug });
      const res = await send(baseUrl, createPost.path, { method: 'POST', json: { title: 'Second', slug } });
      expectConforms(createPost, res);
      expect(res.status).toBe(409);
      expect(problemCode(res)).toBe('slug_taken');
    });

    it('publishes on request, dedupes tags and derives the excerpt from the body', async () => {
      const post = await create({
        title: 'Published',
        body: '# Heading\n\nSome *emphasis* and a [link](https://example.com).',
        status: 'published',
        tags: ['a', 'b', 'a'],
      });
      expect(post.status).toBe('published');
      expect(post.published_at).toBe(post.created_at);
      expect(post.tags).toEqual(['a', 'b']);
      expect(post.excerpt).toBe('Heading Some emphasis and a link.');
    });

    it('stores emoji, SQL metacharacters and quotes literally', async () => {
      const title = `🚀 Robert'); DROP TABLE posts;-- "quoted" \\ % _ ${unique()}`;
      const body = "' OR 1=1 --\n\u{1F600}\u00e9\u202e\t\r\n$1 ${x} \\u0000 literal";
      const post = await create({ title, body });
      const res = await send(baseUrl, postPath(post.id));
      expectConforms(getPost, res);
      expect((res.body as PostResource).title).toBe(title);
      expect((res.body as PostResource).body).toBe(body);
    });
  });

  describe('bad input gets a documented 4xx, never a 5xx', () => {
    const post = (init: RequestInit) => send(baseUrl, createPost.path, { method: 'POST', ...init });

    it('malformed JSON → 400 malformed_json', async () => {
      const res = await post({ body: '{"title": ', headers: { 'Content-Type': 'application/json' } });
      expectConforms(createPost, res);
      expect(res.status).toBe(400);
      expect(problemCode(res)).toBe('malformed_json');
    });

    it('invalid UTF-8 → 400 malformed_json', async () => {
      const res = await post({ body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), headers: { 'Content-Type': 'application/json' } });
      expectConforms(createPost, res);
      expect(problemCode(res)).toBe('malformed_json');
    });

    it('reports every issue at once, each with a pointer', async () => {
      const res = await send(baseUrl, createPost.path, {
        method: 'POST',
        json: { title: '', status: 'archived', tags: ['Not A Tag'], extra: true, body: 5 },
      });
      expectConforms(createPost, res);
      expect(res.status).toBe(400);
      const pointers = (res.body as { errors: { pointer: string }[] }).errors.map((e) => e.pointer).sort();
      expect(pointers).toEqual(['/body', '/body/body', '/body/status', '/body/tags/0', '/body/title']);
    });

    it('a NUL byte in a string → 400 (PostgreSQL text cannot hold it)', async () => {
      const res = await send(baseUrl, createPost.path, { method: 'POST', json: { title: 'nul\u0000byte' } });
      expectConforms(createPost, res);
      expect(res.status).toBe(400);
      expect((res.body as { errors: { pointer: string }[] }).errors[0]?.pointer).toBe('/body/title');
    });

    it('wrong types and huge numbers → 400', async () => {
      for (const title of [1e400, 2 ** 64, true, null, ['x'], { a: 1 }]) {
        const res = await send(baseUrl, createPost.path, { method: 'POST', json: { title } });
        expectConforms(createPost, res);
        expect(res.status, `title ${JSON.stringify(title)}`).toBe(400);
      }
      const raw = await post({ body: '{"title": 1e400}', headers: { 'Content-Type': 'application/json' } });
      expect(raw.status).toBe(400);
    });

    it('a missing or wrong Content-Type → 415', async () => {
      for (const type of [undefined, 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1']) {
        const res = await post({ body: '{"title":"x"}', headers: type ? { 'Content-Type': type } : {} });
        expectConforms(createPost, res);
        expect(res.status, `${type}: ${res.text}`).toBe(415);
      }
    });

    it('an empty body → 400 naming /body', async () => {
      const res = await post({ headers: { 'Content-Type': 'application/json' } });
      expectConforms(createPost, res);
      expect(res.status).toBe(400);
      expect((res.body as { errors: { pointer: string }[] }).errors[0]?.pointer).toBe('/body');
    });

    it('a 10 MB string → 413, declared or streamed without a length', async () => {
      const huge = JSON.stringify({ title: 'x', body: 'y'.repeat(10 * 1024 * 1024) });
      const declared = await post({ body: huge, headers: { 'Content-Type': 'application/json' } });
      expectConforms(createPost, declared);
      expect(declared.status).toBe(413);

      const bytes = new TextEncoder().encode(huge);
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < bytes.length; i += 65536) controller.enqueue(bytes.subarray(i, i + 65536));
          controller.close();
        },
      });
      const chunked = await post({ body: stream, headers: { 'Content-Type': 'application/json' }, duplex: 'half' } as RequestInit);
      expectConforms(createPost, chunked);
      expect(chunked.status).toBe(413);
    });

    it('the longest valid post is accepted, fully escaped', async () => {
      // Every character escaped as \uXXXX: the worst case the body limit must still allow.
      const body = '\u0001'.repeat(100_000);
      const res = await send(baseUrl, createPost.path, { method: 'POST', json: { title: 't'.repeat(200), body, excerpt: 'e'.repeat(500) } });
      expectConforms(createPost, res);
      expect(res.status, res.text.slice(0, 300)).toBe(201);
    });

    it('query numbers are strict: signs, spaces, hex, floats and 2^53+ → 400', async () => {
      for (const limit of ['0', '101', '-1', '+5', ' 5', '0x10', '1e2', '2.5', '9007199254740993', '', 'abc']) {
        const res = await send(baseUrl, `${listPosts.path}?limit=${encodeURIComponent(limit)}`);
        expectConforms(listPosts, res);
        expect(res.status, `limit=${limit}`).toBe(400);
      }
      const repeated = await send(baseUrl, `${listPosts.path}?limit=1&limit=2`);
      expectConforms(listPosts, repeated);
      expect(repeated.status).toBe(400);
    });

    it('a malformed path id → 400; a well-formed unknown id → 404 post_not_found', async () => {
      const bad = await send(baseUrl, postPath("1' OR '1'='1"));
      expectConforms(getPost, bad);
      expect(bad.status).toBe(400);
      const missing = await send(baseUrl, postPath('post_00000000000000000000000000'));
      expectConforms(getPost, missing);
      expect(missing.status).toBe(404);
      expect(problemCode(missing)).toBe('post_not_found');
    });
  });

  describe('list', () => {
    it('pages newest first with a stable order and no duplicates', async () => {
      const tag = `page-${unique()}`;
      const created: PostResource[] = [];
      for (let i = 0; i < 7; i++) created.push(await create({ title: `Paged ${i}`, status: 'published', tags: [tag] }));
      const { pages, posts } = await listAll('limit=3');
      const ours = posts.filter((p) => p.tags.includes(tag)).map((p) => p.id);
      expect(ours).toEqual(created.map((p) => p.id).reverse());
      expect(new Set(posts.map((p) => p.id)).size).toBe(posts.length);
      expect(pages.every((p) => (p.body as { data: unknown[] }).data.length <= 3)).toBe(true);
      expect((pages.at(-1)!.body as { has_more: boolean }).has_more).toBe(false);
      // Order: created_at desc, then id desc.
      for (let i = 1; i < posts.length; i++) {
        const [a, b] = [posts[i - 1]!, posts[i]!];
        expect(a.created_at > b.created_at || (a.created_at === b.created_at && a.id > b.id), `${a.id} before ${b.id}`).toBe(true);
      }
    });

    it('shows published posts by default, and only the caller’s own drafts on request', async () => {
      const draft = await create({ title: `Draft ${unique()}` });
      const { posts: published } = await listAll('limit=100');
      expect(published.some((p) => p.id === draft.id)).toBe(false);
      expect(published.every((p) => p.status === 'published')).toBe(true);
      const { posts: drafts } = await listAll('limit=100&status=draft');
      expect(drafts.some((p) => p.id === draft.id)).toBe(true);
      expect(drafts.every((p) => p.author.id === author.user.id && p.status === 'draft')).toBe(true);

      const other = await signUp(baseUrl);
      const theirs = await sendAnonymously(baseUrl, `${listPosts.path}?status=draft&limit=100`, { headers: other.auth });
      expectConforms(listPosts, theirs);
      expect((theirs.body as { data: PostResource[] }).data.some((p) => p.id === draft.id)).toBe(false);
      const anonymous = await sendAnonymously(baseUrl, `${listPosts.path}?status=draft`);
      expectConforms(listPosts, anonymous);
      expect(anonymous.status).toBe(401);
      const writeOnly = await signUp(baseUrl, { scopes: ['posts:write'] });
      const noRead = await sendAnonymously(baseUrl, `${listPosts.path}?status=draft`, { headers: writeOnly.auth });
      expectConforms(listPosts, noRead);
      expect(noRead.status, 'listing drafts needs posts:read').toBe(403);
      const admin = await signUp(baseUrl, { admin: true });
      const all = await sendAnonymously(baseUrl, `${listPosts.path}?status=draft&limit=100`, { headers: admin.auth });
      expect((all.body as { data: PostResource[] }).data.some((p) => p.id === draft.id), all.text).toBe(true);
    });

    it('hides a draft from everyone but its author and admins', async () => {
      const draft = await create({ title: 'Secret draft' });
      const other = await signUp(baseUrl);
      for (const headers of [{}, other.auth]) {
        const res = await sendAnonymously(baseUrl, postPath(draft.id), { headers });
        expectConforms(getPost, res);
        expect(res.status).toBe(404);
      }
      expect((await send(baseUrl, postPath(draft.id))).status).toBe(200);
      const admin = await signUp(baseUrl, { admin: true });
      expect((await sendAnonymously(baseUrl, postPath(draft.id), { headers: admin.auth })).status).toBe(200);
    });

    it('refuses a tampered cursor with 400; any well-formed cursor is a position, not an error', async () => {
      for (const cursor of ['not-a-cursor', 'AAAA', 'A'.repeat(33), '%00'.repeat(11)]) {
        const res = await send(baseUrl, `${listPosts.path}?cursor=${cursor}`);
        expectConforms(listPosts, res);
        expect(res.status, cursor).toBe(400);
        expect((res.body as { errors: { pointer: string }[] }).errors[0]?.pointer).toBe('/query/cursor');
      }
      for (const cursor of ['_'.repeat(32), '-'.repeat(32), 'A'.repeat(32), 'zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz']) {
        const res = await send(baseUrl, `${listPosts.path}?cursor=${cursor}`);
        expectConforms(listPosts, res);
        expect(res.status, `${cursor}: ${res.text}`).toBe(200);
      }
    });
  });

  describe('update', () => {
    it('changes only the fields sent', async () => {
      const post = await create({ title: 'Before', body: 'Body', tags: ['keep'] });
      const res = await send(baseUrl, postPath(post.id), { method: 'PATCH', json: { title: 'After' } });
      expectConforms(updatePost, res);
      expect(res.status).toBe(200);
      const updated = res.body as PostResource;
      expect(updated).toMatchObject({ id: post.id, title: 'After', body: 'Body', tags: ['keep'], slug: post.slug, created_at: post.created_at });
      expect(updated.updated_at >= post.updated_at).toBe(true);
    });

    it('publishing sets published_at once; returning to draft clears it', async () => {
      const post = await create({ title: 'Lifecycle' });
      const published = (await send(baseUrl, postPath(post.id), { method: 'PATCH', json: { status: 'published' } })).body as PostResource;
      expect(published.published_at).not.toBeNull();
      const again = (await send(baseUrl, postPath(post.id), { method: 'PATCH', json: { status: 'published', title: 'x' } })).body as PostResource;
      expect(again.published_at).toBe(published.published_at);
      const draft = (await send(baseUrl, postPath(post.id), { method: 'PATCH', json: { status: 'draft' } })).body as PostResource;
      expect(draft.published_at).toBeNull();
    });

    it('excerpt null returns to the derived excerpt', async () => {
      const post = await create({ title: 'Excerpt', body: 'Derived text', excerpt: 'Custom' });
      expect(post.excerpt).toBe('Custom');
      const res = await send(baseUrl, postPath(post.id), { method: 'PATCH', json: { excerpt: null } });
      expectConforms(updatePost, res);
      expect((res.body as PostResource).excerpt).toBe('Derived text');
    });

    it('a taken slug → 409; an unknown post → 404; an unknown field → 400', async () => {
      const a = await create({ title: 'A', slug: `a-${unique()}` });
      const b = await create({ title: 'B' });
      const conflict = await send(baseUrl, postPath(b.id), { method: 'PATCH', json: { slug: a.slug } });
      expectConforms(updatePost, conflict);
      expect(conflict.status).toBe(409);
      const missing = await send(baseUrl, postPath('post_00000000000000000000000000'), { method: 'PATCH', json: { title: 'x' } });
      expectConforms(updatePost, missing);
      expect(missing.status).toBe(404);
      const unknown = await send(baseUrl, postPath(b.id), { method: 'PATCH', json: { author: 'me' } });
      expectConforms(updatePost, unknown);
      expect(unknown.status).toBe(400);
    });
  });

  describe('concurrency', () => {
    it('keeps concurrent transactional updates and reads apart', async () => {
      // On PGlite every request shares one connection: a transaction must not swallow another
      // request's queries. On PostgreSQL, row locks serialise the updates.
      const post = await create({ title: 'Contended' });
      const titles = Array.from({ length: 25 }, (_, i) => `Title ${i}`);
      const results = await Promise.all([
        ...titles.map((title) => send(baseUrl, postPath(post.id), { method: 'PATCH', json: { title, status: 'published' } })),
        ...titles.map(() => send(baseUrl, postPath(post.id))),
        ...titles.map((title) => send(baseUrl, createPost.path, { method: 'POST', json: { title } })),
      ]);
      for (const res of results) expect([200, 201], res.text).toContain(res.status);
      const final = (await send(baseUrl, postPath(post.id))).body as PostResource;
      expect(titles).toContain(final.title);
      expect(final.status).toBe('published');
    });
  });

  describe('ownership', () => {
    it('lets only the author or an admin change a published post (403 for others)', async () => {
      const post = await create({ title: 'Mine', status: 'published' });
      const other = await signUp(baseUrl);
      const patch = await sendAnonymously(baseUrl, postPath(post.id), { method: 'PATCH', json: { title: 'Theirs' }, headers: other.auth });
      expectConforms(updatePost, patch);
      expect(patch.status).toBe(403);
      expect(problemCode(patch)).toBe('forbidden');
      const del = await sendAnonymously(baseUrl, postPath(post.id), { method: 'DELETE', headers: other.auth });
      expectConforms(deletePost, del);
      expect(del.status).toBe(403);
      const admin = await signUp(baseUrl, { admin: true });
      const byAdmin = await sendAnonymously(baseUrl, postPath(post.id), { method: 'PATCH', json: { title: 'Moderated' }, headers: admin.auth });
      expect(byAdmin.status, byAdmin.text).toBe(200);
      expect((byAdmin.body as PostResource).author.id).toBe(author.user.id);
    });
  });

  describe('delete', () => {
    it('answers 204 with no body; the post is then gone', async () => {
      const post = await create({ title: 'Doomed' });
      const res = await send(baseUrl, postPath(post.id), { method: 'DELETE' });
      expectConforms(deletePost, res);
      expect(res.status).toBe(204);
      for (const again of [await send(baseUrl, postPath(post.id)), await send(baseUrl, postPath(post.id), { method: 'DELETE' })]) {
        expect(again.status).toBe(404);
        expect(problemCode(again)).toBe('post_not_found');
      }
    });
  });
});
