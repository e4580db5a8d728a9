import { sql, type Kysely } from 'kysely';
import type {
  PostCreateInput,
  PostResource,
  PostStatusValue,
  PostUpdateInput,
} from '../../contracts/posts/schemas.ts';
import { decodeCursor, encodeCursor } from '../db/cursor.ts';
import { db } from '../db/index.ts';
import { isUniqueViolation } from '../db/errors.ts';
import type { Database, PostRow, UserRow } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { canActFor, hasScope, type Caller } from '../http/caller.ts';
import { newId } from '../ids.ts';
import { toUser } from '../users/service.ts';
import { deriveExcerpt } from './excerpt.ts';
import { firstFreeSlug, slugFromTitle } from './slug.ts';

const ID_PREFIX = 'post';

type AuthorColumns = { author_username: UserRow['username']; author_display_name: string; author_created_at: Date };
type PostWithAuthor = PostRow & AuthorColumns;

/** Posts joined with their author, the shape every read returns. */
function selectPosts(conn: Kysely<Database>) {
  return conn
    .selectFrom('posts')
    .innerJoin('users', 'users.id', 'posts.author_id')
    .selectAll('posts')
    .select(['users.username as author_username', 'users.display_name as author_display_name', 'users.created_at as author_created_at']);
}

async function loadPost(conn: Kysely<Database>, id: string): Promise<PostWithAuthor | undefined> {
  return selectPosts(conn).where('posts.id', '=', id).executeTakeFirst();
}

/** A draft exists only for its author (reading with `posts:read`) and admins; to anyone else it is 404. */
function visibleTo(post: Pick<PostRow, 'status' | 'author_id'>, caller: Caller | null, intent: 'read' | 'write'): boolean {
  if (post.status === 'published') return true;
  return canActFor(caller, post.author_id) && (intent === 'write' || hasScope(caller, 'posts:read') || hasScope(caller, 'admin'));
}

function forbidden(): AppError {
  return new AppError('forbidden', 'Only the author, or an admin, may change this post.');
}

export function toPost(row: PostWithAuthor): PostResource {
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    body: row.body,
    excerpt: row.excerpt ?? deriveExcerpt(row.body),
    status: row.status,
    tags: row.tags,
    author: toUser({ id: row.author_id, username: row.author_username, display_name: row.author_display_name, created_at: row.author_created_at }),
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

export async function createPost(input: PostCreateInput, authorId: string): Promise<PostResource> {
  const now = new Date();
  const status = input.status ?? 'draft';
  const base = input.slug ?? slugFromTitle(input.title);
  const id = newId(ID_PREFIX, now.getTime());
  const insert = (conn: Kysely<Database>, slug: string) =>
    conn
      .insertInto('posts')
      .values({
        id,
        author_id: authorId,
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
      .execute();

  try {
    if (input.slug) {
      await insert(db(), input.slug);
    } else {
      // Creators deriving the same base slug take turns (a transaction-scoped advisory lock), so
      // each sees the suffixes taken before it; `-2`, `-3`, … are handed out without collisions.
      await db()
        .transaction()
        .execute(async (trx) => {
          await sql`select pg_advisory_xact_lock(hashtext(${`posts.slug:${base}`}))`.execute(trx);
          await insert(trx, firstFreeSlug(base, await takenSlugs(trx, base)));
        });
    }
  } catch (error) {
    // Only an explicit slug can collide (or a derived one racing an explicit one: rare, and a 409 is honest).
    if (isUniqueViolation(error, 'posts_slug_key')) throw slugTaken(base);
    throw error;
  }
  return toPost((await loadPost(db(), id))!);
}

export async function getPost(id: string, caller: Caller | null): Promise<PostResource> {
  const row = await loadPost(db(), id);
  if (!row || !visibleTo(row, caller, 'read')) throw notFound(id);
  return toPost(row);
}

export interface PostPageResult {
  data: PostResource[];
  has_more: boolean;
  next_cursor: string | null;
}

/** Drafts are listed only for a caller who may read them: their own, or all for an admin. */
function draftsOwner(caller: Caller | null): string | undefined {
  if (!caller) {
    throw new AppError('unauthorized', 'Listing drafts needs a bearer token.', { headers: { 'WWW-Authenticate': 'Bearer realm="folio"' } });
  }
  if (hasScope(caller, 'admin')) return undefined;
  if (!hasScope(caller, 'posts:read')) throw new AppError('forbidden', 'Listing drafts needs the posts:read scope.');
  return caller.userId;
}

export async function listPosts(
  options: { limit: number; cursor?: string; status?: PostStatusValue },
  caller: Caller | null,
): Promise<PostPageResult> {
  const status = options.status ?? 'published';
  const owner = status === 'draft' ? draftsOwner(caller) : undefined;
  let query = selectPosts(db())
    .where('posts.status', '=', status)
    .orderBy('posts.created_at', 'desc')
    .orderBy('posts.id', 'desc')
    .limit(options.limit + 1);
  if (owner) query = query.where('posts.author_id', '=', owner);
  if (options.cursor) {
    const after = decodeCursor(options.cursor, ID_PREFIX);
    query = query.where((eb) => eb(eb.refTuple('posts.created_at', 'posts.id'), '<', eb.tuple(after.createdAt, after.id)));
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

/** The post, locked for the rest of the transaction, if the caller may change it. */
async function lockForWrite(trx: Kysely<Database>, id: string, caller: Caller): Promise<PostRow> {
  const current = await trx.selectFrom('posts').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!current || !visibleTo(current, caller, 'write')) throw notFound(id);
  if (!canActFor(caller, current.author_id)) throw forbidden();
  return current;
}

export async function updatePost(id: string, patch: PostUpdateInput, caller: Caller): Promise<PostResource> {
  return db()
    .transaction()
    .execute(async (trx) => {
      const current = await lockForWrite(trx, id, caller);
      if (Object.keys(patch).length === 0) return toPost((await loadPost(trx, id))!);
      const now = new Date();
      const status = patch.status ?? current.status;
      try {
        await trx
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
          .execute();
        return toPost((await loadPost(trx, id))!);
      } catch (error) {
        if (isUniqueViolation(error, 'posts_slug_key')) throw slugTaken(patch.slug ?? current.slug);
        throw error;
      }
    });
}

export async function deletePost(id: string, caller: Caller): Promise<void> {
  await db()
    .transaction()
    .execute(async (trx) => {
      await lockForWrite(trx, id, caller);
      await trx.deleteFrom('posts').where('id', '=', id).execute();
    });
}
