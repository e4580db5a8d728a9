import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createComment, deleteComment, getComment, listComments, updateComment } from '../../contracts/comments/operations.ts';
import type { CommentResource } from '../../contracts/comments/schemas.ts';
import { createPost, listPosts } from '../../contracts/posts/operations.ts';
import type { PostResource } from '../../contracts/posts/schemas.ts';
import { listTags } from '../../contracts/tags/operations.ts';
import { expectConforms, problemCode, send } from '../support/contract-assertions.ts';
import { signUp, type Account } from '../support/identity.ts';

const servers = inject('servers');

describe.each(servers)('comments, tags and search on $kind', ({ baseUrl }) => {
  let author: Account;
  let reader: Account;
  beforeAll(async () => {
    [author, reader] = await Promise.all([signUp(baseUrl), signUp(baseUrl)]);
  });
  async function publish(as: Account, body: Record<string, unknown>): Promise<PostResource> {
    const res = await send(baseUrl, createPost.path, { method: 'POST', json: { status: 'published', ...body }, headers: as.auth });
    expect(res.status, res.text).toBe(201);
    return res.body as PostResource;
  }
  const comments = (postId: string) => `/api/v1/posts/${postId}/comments`;
  async function comment(as: Account, postId: string, body: string): Promise<CommentResource> {
    const res = await send(baseUrl, comments(postId), { method: 'POST', json: { body }, headers: as.auth });
    expectConforms(createComment, res);
    expect(res.status, res.text).toBe(201);
    return res.body as CommentResource;
  }

  describe('comments', () => {
    it('creates, lists oldest first across pages, reads, edits and deletes', async () => {
      const post = await publish(author, { title: 'Discuss' });
      const created: CommentResource[] = [];
      for (let i = 0; i < 5; i++) created.push(await comment(i % 2 ? author : reader, post.id, `Comment ${i}`));
      expect(created[0]!.author.id).toBe(reader.user.id);

      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await send(baseUrl, `${comments(post.id)}?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expectConforms(listComments, res);
        const page = res.body as { data: CommentResource[]; next_cursor: string | null };
        seen.push(...page.data.map((c) => c.id));
        cursor = page.next_cursor;
      } while (cursor);
      expect(seen).toEqual(created.map((c) => c.id));

      const one = await send(baseUrl, `${comments(post.id)}/${created[0]!.id}`);
      expectConforms(getComment, one);
      expect(one.body).toEqual(created[0]);

      const edit = await send(baseUrl, `${comments(post.id)}/${created[0]!.id}`, { method: 'PATCH', json: { body: 'Edited' }, headers: reader.auth });
      expectConforms(updateComment, edit);
      expect((edit.body as CommentResource).body).toBe('Edited');
      const del = await send(baseUrl, `${comments(post.id)}/${created[0]!.id}`, { method: 'DELETE', headers: reader.auth });
      expectConforms(deleteComment, del);
      expect(del.status).toBe(204);
      expect((await send(baseUrl, `${comments(post.id)}/${created[0]!.id}`)).status).toBe(404);
    });

    it('lets only the comment’s author edit; its author, the post’s author or an admin delete', async () => {
      const post = await publish(author, { title: 'Moderated' });
      const byReader = await comment(reader, post.id, 'Mine');
      const stranger = await signUp(baseUrl);
      const path = `${comments(post.id)}/${byReader.id}`;
      const editByPostAuthor = await send(baseUrl, path, { method: 'PATCH', json: { body: 'Hijack' }, headers: author.auth });
      expectConforms(updateComment, editByPostAuthor);
      expect(editByPostAuthor.status).toBe(403);
      const delByStranger = await send(baseUrl, path, { method: 'DELETE', headers: stranger.auth });
      expect(delByStranger.status).toBe(403);
      expect(problemCode(delByStranger)).toBe('forbidden');
      const delByPostAuthor = await send(baseUrl, path, { method: 'DELETE', headers: author.auth });
      expect(delByPostAuthor.status).toBe(204);
    });

    it('deleting a post removes its comments; drafts take no comments from others; unknown ids are 404', async () => {
      const post = await publish(author, { title: 'Short-lived' });
      const c = await comment(reader, post.id, 'Soon gone');
      expect((await send(baseUrl, `/api/v1/posts/${post.id}`, { method: 'DELETE', headers: author.auth })).status).toBe(204);
      const gone = await send(baseUrl, `${comments(post.id)}/${c.id}`);
      expectConforms(getComment, gone);
      expect(problemCode(gone)).toBe('post_not_found');

      const draft = await send(baseUrl, createPost.path, { method: 'POST', json: { title: 'Private' }, headers: author.auth });
      const onDraft = await send(baseUrl, comments((draft.body as PostResource).id), { method: 'POST', json: { body: 'Hi' }, headers: reader.auth });
      expect(onDraft.status).toBe(404);
      const live = await publish(author, { title: 'Live' });
      const missing = await send(baseUrl, `${comments(live.id)}/cmt_00000000000000000000000000`);
      expect(problemCode(missing)).toBe('comment_not_found');
    });
  });

  describe('tags', () => {
    it('counts published posts per tag, most used first', async () => {
      const [a, b] = [`t-${randomUUID().slice(0, 8)}`, `t-${randomUUID().slice(0, 8)}`];
      await publish(author, { title: 'x', tags: [a, b] });
      await publish(author, { title: 'y', tags: [a] });
      await send(baseUrl, createPost.path, { method: 'POST', json: { title: 'draft', tags: [a, b] }, headers: author.auth });
      const res = await send(baseUrl, '/api/v1/tags');
      expectConforms(listTags, res);
      const counts = Object.fromEntries((res.body as { data: { name: string; count: number }[] }).data.map((t) => [t.name, t.count]));
      expect(counts[a]).toBe(2);
      expect(counts[b]).toBe(1);
      const order = (res.body as { data: { count: number }[] }).data.map((t) => t.count);
      expect(order).toEqual([...order].sort((x, y) => y - x));
    });
  });

  describe('filters and search', () => {
    const ids = async (query: string) => {
      const res = await send(baseUrl, `${listPosts.path}?${query}&limit=100`);
      expectConforms(listPosts, res);
      expect(res.status, res.text).toBe(200);
      return (res.body as { data: PostResource[] }).data.map((p) => p.id);
    };

    it('filters by one or several tags (all must match) and by author', async () => {
      const [a, b] = [`f-${randomUUID().slice(0, 8)}`, `f-${randomUUID().slice(0, 8)}`];
      const both = await publish(author, { title: 'both', tags: [a, b] });
      const onlyA = await publish(reader, { title: 'a', tags: [a] });
      expect((await ids(`tag=${a}`)).sort()).toEqual([both.id, onlyA.id].sort());
      expect(await ids(`tag=${a}&tag=${b}`)).toEqual([both.id]);
      expect(await ids(`tag=${a}&author=${reader.user.username}`)).toEqual([onlyA.id]);
      expect(await ids(`author=nobody_at_all`)).toEqual([]);
    });

    it('searches title and body with ranking (title first), paging through results without gaps', async () => {
      const word = `zq${randomUUID().replaceAll('-', '').slice(0, 10).replace(/[0-9]/g, 'x')}`;
      const inBody = await publish(author, { title: 'Unrelated', body: `Something about ${word}.` });
      const inTitle = await publish(author, { title: `All about ${word}`, body: `More on ${word} and ${word}.` });
      await publish(author, { title: 'Noise', body: 'nothing to see' });
      expect(await ids(`q=${word}`)).toEqual([inTitle.id, inBody.id]);

      const extra: string[] = [];
      for (let i = 0; i < 5; i++) extra.push((await publish(author, { title: `Note ${i}`, body: `${word} ${i}` })).id);
      const paged: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await send(baseUrl, `${listPosts.path}?q=${word}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expectConforms(listPosts, res);
        const page = res.body as { data: PostResource[]; next_cursor: string | null };
        paged.push(...page.data.map((p) => p.id));
        cursor = page.next_cursor;
      } while (cursor);
      expect(paged).toEqual(await ids(`q=${word}`));
      expect(new Set(paged)).toEqual(new Set([inTitle.id, inBody.id, ...extra]));
      expect(paged[0]).toBe(inTitle.id);
    });

    it('treats search syntax and SQL metacharacters as text', async () => {
      for (const q of ["'; drop table posts; --", '"unterminated', '-', 'or', '\\', '%_', '日本語']) {
        const res = await send(baseUrl, `${listPosts.path}?q=${encodeURIComponent(q)}`);
        expectConforms(listPosts, res);
        expect(res.status, q).toBe(200);
      }
    });
  });
});
