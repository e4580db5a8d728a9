/**
 * A page of posts is found (ids) and then read (rows) in two statements. A write landing between
 * them — here, by a hook run just before the second — must neither end the walk early nor show a
 * post that has become a draft.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';

const between: { write?: () => Promise<unknown> } = {};
vi.mock('../../server/posts/read-model.ts', async (original) => {
  const real = await original<typeof import('../../server/posts/read-model.ts')>();
  type Query = ReturnType<typeof real.selectPosts>;
  // The rows' query, whose execute() first runs the pending write (once).
  const intercepted = (query: Query): Query =>
    new Proxy(query, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (property === 'execute') {
          return async () => {
            const write = between.write;
            between.write = undefined;
            await write?.();
            return target.execute();
          };
        }
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const result = (value as (...a: unknown[]) => unknown).apply(target, args);
          return result && typeof result === 'object' && 'execute' in result ? intercepted(result as Query) : result;
        };
      },
    });
  return { ...real, selectPosts: (conn: Parameters<typeof real.selectPosts>[0]) => intercepted(real.selectPosts(conn)) };
});

const { postsPage } = await import('../../server/posts/list.ts');
const { isFailure } = await import('../../server/failure.ts');
const { db } = await import('../../server/db/index.ts');
const { newId } = await import('../../server/ids.ts');

const AUTHOR = 'user_01jdq8m4k2c9v7x3n5r6t8w1ee';
const ids: string[] = [];
const tag = `race${Date.now().toString(36)}`;

beforeAll(async () => {
  const now = Date.now();
  await db().insertInto('users').values({ id: AUTHOR, email: `${tag}@example.com`, username: tag, display_name: 'R', password_hash: '!', is_admin: false, created_at: new Date(now), updated_at: new Date(now) }).execute();
  for (let i = 0; i < 10; i++) {
    const at = new Date(now + 3_600_000 - i * 1000);
    const id = newId('post', at.getTime());
    ids.push(id);
    await db().insertInto('posts').values({ id, author_id: AUTHOR, slug: `${tag}-${i}`, title: `Race ${i}`, body: 'public text', excerpt: null, status: 'published', tags: [tag], created_at: at, updated_at: at, published_at: at }).execute();
  }
});

const page = async (limit: number) => {
  const result = await postsPage({ tag: [tag], limit }, null);
  if (isFailure(result)) throw new Error(result.detail);
  return result;
};

describe('a write between finding a page and reading it', () => {
  it('a post deleted meanwhile: the page is read again, full, and says more follow', async () => {
    between.write = () => db().deleteFrom('posts').where('id', '=', ids[1]!).execute();
    const result = await page(2);
    expect(result.data.map((post) => post.id)).toEqual([ids[0], ids[2]]);
    expect(result.has_more).toBe(true);
    expect(result.next_cursor).not.toBeNull();
  });

  it('a post unpublished (and rewritten) meanwhile: never shown to an anonymous caller', async () => {
    between.write = () => db().updateTable('posts').set({ status: 'draft', published_at: null, body: 'secret draft text' }).where('id', '=', ids[3]!).execute();
    const result = await page(3);
    expect(result.data.map((post) => post.id)).toEqual([ids[0], ids[2], ids[4]]);
    expect(result.data.every((post) => post.status === 'published' && post.body === 'public text')).toBe(true);
  });
});
