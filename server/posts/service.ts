import type { Kysely } from 'kysely';
import type {
  PostCreateInput,
  PostResource,
  PostStatusValue,
  PostUpdateInput,
} from '../../contracts/posts/schemas.ts';
import { decodeCursor, encodeCursor } from '../db/cursor.ts';
import { db } from '../db/index.ts';
import { isUniqueViolation } from '../db/errors.ts';
import type { Database, PostRow } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { newId } from '../ids.ts';
import { deriveExcerpt } from './excerpt.ts';
import { firstFreeSlug, slugFromTitle } from './slug.ts';

const ID_PREFIX = 'post';
const SLUG_ATTEMPTS = 5;

export function toPost(row: PostRow): PostResource {
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    body: row.body,
    excerpt: row.excerpt ?? deriveExcerpt(row.body),
    status: row.status,
    tags: row.tags,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    published_at: row.published_at?.toISOString() ?? null,
  };
}

/** Tags keep their first occurrence only. */
const dedupe = (tags: string[]) => [...new Set(tags)];

function notFound(id: string): AppError {
  return new AppError('post_not_found', `No post has the id ${id}.`);
}

function slugTaken(slug: string): AppError {
  return new AppError('slug_taken', `Another post already uses the slug ${slug}.`);
}

async function takenSlugs(conn: Kysely<Database>, base: string): Promise<Set<string>> {
  const rows = await conn
    .selectFrom('posts')
    .select('slug')
    .where((eb) => eb.or([eb('slug', '=', base), eb('slug', 'like', `${base}-%`)]))
    .execute();
  return new Set(rows.map((r) => r.slug));
}

export async function createPost(input: PostCreateInput): Promise<PostResource> {
  const now = new Date();
  const status = input.status ?? 'draft';
  const base = input.slug ?? slugFromTitle(input.title);
  // A derived slug takes the next free suffix; if a concurrent insert takes it first, try again.
  for (let attempt = 1; ; attempt++) {
    const slug = input.slug ?? firstFreeSlug(base, await takenSlugs(db(), base));
    try {
      const row = await db()
        .insertInto('posts')
        .values({
          id: newId(ID_PREFIX, now.getTime()),
          slug,
          title: input.title,
          body: input.body ?? '',
          excerpt: input.excerpt ?? null,
          status,
          tags: dedupe(input.tags ?? []),
          created_at: now,
          updated_at: now,
          published_at: status === 'published' ? now : null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toPost(row);
    } catch (error) {
      if (!isUniqueViolation(error, 'posts_slug_key')) throw error;
      if (input.slug || attempt >= SLUG_ATTEMPTS) throw slugTaken(slug);
    }
  }
}

export async function getPost(id: string): Promise<PostResource> {
  const row = await db().selectFrom('posts').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(id);
  return toPost(row);
}

export interface PostPageResult {
  data: PostResource[];
  has_more: boolean;
  next_cursor: string | null;
}

export async function listPosts(options: { limit: number; cursor?: string; status?: PostStatusValue }): Promise<PostPageResult> {
  let query = db()
    .selectFrom('posts')
    .selectAll()
    .where('status', '=', options.status ?? 'published')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit + 1);
  if (options.cursor) {
    const after = decodeCursor(options.cursor, ID_PREFIX);
    query = query.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(after.createdAt, after.id)));
  }
  const rows = await query.execute();
  const page = rows.slice(0, options.limit);
  const last = page.at(-1);
  const hasMore = rows.length > options.limit;
  return {
    data: page.map(toPost),
    has_more: hasMore,
    next_cursor: hasMore && last ? encodeCursor({ createdAt: last.created_at, id: last.id }) : null,
  };
}

export async function updatePost(id: string, patch: PostUpdateInput): Promise<PostResource> {
  return db()
    .transaction()
    .execute(async (trx) => {
      const current = await trx.selectFrom('posts').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
      if (!current) throw notFound(id);
      if (Object.keys(patch).length === 0) return toPost(current);
      const now = new Date();
      const status = patch.status ?? current.status;
      try {
        const row = await trx
          .updateTable('posts')
          .set({
            ...(patch.title !== undefined && { title: patch.title }),
            ...(patch.body !== undefined && { body: patch.body }),
            ...(patch.slug !== undefined && { slug: patch.slug }),
            ...(patch.excerpt !== undefined && { excerpt: patch.excerpt }),
            ...(patch.tags !== undefined && { tags: dedupe(patch.tags) }),
            status,
            published_at: status === 'published' ? (current.published_at ?? now) : null,
            updated_at: now,
          })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow();
        return toPost(row);
      } catch (error) {
        if (isUniqueViolation(error, 'posts_slug_key')) throw slugTaken(patch.slug ?? current.slug);
        throw error;
      }
    });
}

export async function deletePost(id: string): Promise<void> {
  const deleted = await db().deleteFrom('posts').where('id', '=', id).returning('id').executeTakeFirst();
  if (!deleted) throw notFound(id);
}
