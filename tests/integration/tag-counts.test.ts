/**
 * GET /api/v1/tags reads counts the database keeps as posts change (migration 0009). Under
 * concurrent creates, edits, status changes and deletes they must stay exactly what a recount of
 * the published posts gives.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { listTags } from '../../contracts/tags/operations.ts';
import { expectConforms, send } from '../support/contract-assertions.ts';
import { signUp, type Account } from '../support/identity.ts';

const servers = inject('servers');

describe.each(servers)('tag counts on $kind', ({ baseUrl }) => {
  let authors: Account[];
  beforeAll(async () => {
    authors = await Promise.all([signUp(baseUrl), signUp(baseUrl), signUp(baseUrl)]);
  });

  it('stay exact under concurrent writes (compared with a recount)', async () => {
    const prefix = `tc${randomUUID().slice(0, 8)}`;
    const vocabulary = ['a', 'b', 'c', 'd'].map((t) => `${prefix}-${t}`);
    // A deterministic spread of tag sets, statuses and authors.
    const tagsFor = (i: number) => vocabulary.filter((_, t) => (i >> t) % 2 === 1 || (i + t) % 5 === 0);
    const created = await Promise.all(
      Array.from({ length: 24 }, async (_, i) => {
        const as = authors[i % authors.length]!;
        const res = await send(baseUrl, '/api/v1/posts', {
          method: 'POST',
          headers: as.auth,
          json: { title: `Counted ${i}`, tags: tagsFor(i), status: i % 3 === 0 ? 'draft' : 'published' },
        });
        expect(res.status, res.text).toBe(201);
        return { id: (res.body as { id: string }).id, as };
      }),
    );
    // Edits racing each other: retag, publish, unpublish, delete — several on the same tags at once.
    await Promise.all(
      created.map(({ id, as }, i) => {
        const path = `/api/v1/posts/${id}`;
        if (i % 4 === 0) return send(baseUrl, path, { method: 'DELETE', headers: as.auth });
        if (i % 4 === 1) return send(baseUrl, path, { method: 'PATCH', headers: as.auth, json: { tags: tagsFor(i + 7) } });
        if (i % 4 === 2) return send(baseUrl, path, { method: 'PATCH', headers: as.auth, json: { status: i % 8 === 2 ? 'draft' : 'published' } });
        return send(baseUrl, path, { method: 'PATCH', headers: as.auth, json: { status: 'published', tags: [...tagsFor(i)].reverse() } });
      }),
    ).then((answers) => answers.forEach((res) => expect(res.status, res.text).toBeLessThan(300)));

    // The recount: every published post carrying each tag, through the list's own filter.
    const recount: Record<string, number> = {};
    for (const tag of vocabulary) {
      let cursor: string | null = null;
      let count = 0;
      do {
        const page = await send(baseUrl, `/api/v1/posts?tag=${tag}&limit=100${cursor ? `&cursor=${cursor}` : ''}`);
        const body = page.body as { data: unknown[]; next_cursor: string | null };
        count += body.data.length;
        cursor = body.next_cursor;
      } while (cursor);
      if (count > 0) recount[tag] = count;
    }
    const res = await send(baseUrl, '/api/v1/tags');
    expectConforms(listTags, res);
    const listed = Object.fromEntries(
      (res.body as { data: { name: string; count: number }[] }).data.filter((t) => t.name.startsWith(prefix)).map((t) => [t.name, t.count]),
    );
    expect(Object.keys(recount).length).toBeGreaterThan(1);
    expect(listed).toEqual(recount);
  });
});
