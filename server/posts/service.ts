import { sql, type Kysely } from 'kysely';
import type { PostCreateInput, PostUpdateInput } from '../../contracts/posts/schemas.ts';
import { db } from '../db/index.ts';
import { isUniqueViolation } from '../db/errors.ts';
import type { Database } from '../db/schema.ts';
import { PIPELINE_ERRORS } from '../../contracts/shared/errors.ts';
import { coverMediaInvalid, postNotFound, slugTaken } from '../../contracts/posts/errors.ts';
import { transact } from '../db/transact.ts';
import { fail, isFailure } from '../failure.ts';
import { canActFor, type Caller } from '../identity/caller.ts';
import { matches } from '../etag.ts';
import { newId } from '../ids.ts';
import { ID_PREFIX, loadPost, postEtag, toPost, visibleTo } from './read-model.ts';
import { postEvent } from './events.ts';
import { firstFreeSlug, slugFromTitle } from './slug.ts';

const forbidden = () => fail(PIPELINE_ERRORS.forbidden, 'Only the author, or an admin, may change this post.');

/** Tags keep their first occurrence only. */
const dedupe = (tags: string[]) => [...new Set(tags)];

const notFound = (id: string) => fail(postNotFound, `No post has the id ${id}.`);

const slugInUse = (slug: string) => fail(slugTaken, `A published post, or another of your posts, already uses the slug ${slug}.`);

/**
 * Slugs are unique among published posts and among one author's posts (posts_published_slug,
 * posts_author_slug) — the posts a caller can see. Someone else's draft never conflicts, so a
 * 409 can never reveal that it exists.
 */
const SLUG_CONSTRAINTS = ['posts_published_slug', 'posts_author_slug'];
const isSlugConflict = (error: unknown) => SLUG_CONSTRAINTS.some((name) => isUniqueViolation(error, name));

/**
 * Whether the author owns the media — checked, and the row share-locked, inside the transaction that
 * sets a cover, so a concurrent delete of that media waits and then sees the post (409 media_in_use).
 */
async function ownsMedia(trx: Kysely<Database>, mediaId: string, authorId: string): Promise<boolean> {
  const row = await trx.selectFrom('media').select('id').where('id', '=', mediaId).where('owner_id', '=', authorId).forShare().executeTakeFirst();
  return row !== undefined;
}

const coverInvalid = (mediaId: string) => fail(coverMediaInvalid, `The post’s author has no media ${mediaId}.`);

/** The slugs `base`, `base-…` that a new post by `authorId` cannot take: published ones and the author's own. */
async function takenSlugs(conn: Kysely<Database>, base: string, authorId: string): Promise<Set<string>> {
  const rows = await conn
    .selectFrom('posts')
    .select('slug')
    .where((eb) => eb.or([eb('slug', '=', base), eb('slug', 'like', `${base}-%`)]))
    .where((eb) => eb.or([eb('status', '=', 'published'), eb('author_id', '=', authorId)]))
    .execute();
  return new Set(rows.map((r) => r.slug));
}

export async function createPost(input: PostCreateInput, authorId: string) {
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
        cover_media_id: input.cover_media_id ?? null,
      })
      .execute();

  try {
    const inserted = await transact(db(), async (trx) => {
      if (input.cover_media_id && !(await ownsMedia(trx, input.cover_media_id, authorId))) return coverInvalid(input.cover_media_id);
      let slug = input.slug;
      if (!slug) {
        // Creators deriving the same base slug take turns (a transaction-scoped advisory lock), so
        // each sees the suffixes taken before it; `-2`, `-3`, … are handed out without collisions.
        await sql`select pg_advisory_xact_lock(hashtext(${`posts.slug:${base}`}))`.execute(trx);
        slug = firstFreeSlug(base, await takenSlugs(trx, base, authorId));
      }
      await insert(trx, slug);
      const post = { id, slug, status, author_id: authorId };
      await postEvent(trx, 'post.created', post);
      if (status === 'published') await postEvent(trx, 'post.published', post);
      return undefined;
    });
    if (isFailure(inserted)) return inserted;
  } catch (error) {
    // Only an explicit slug can collide (or a derived one racing an explicit one: rare, and a 409 is honest).
    if (isSlugConflict(error)) return slugInUse(base);
    throw error;
  }
  return toPost((await loadPost(db(), id))!);
}

export async function getPost(id: string, caller: Caller | null) {
  const row = await loadPost(db(), id);
  if (!row || !visibleTo(row, caller, 'read')) return notFound(id);
  return toPost(row);
}

/**
 * The post, locked for the rest of the transaction, if the caller may change it and — when the
 * client sent If-Match — it is still the representation the client saw (else 412). Checking
 * under the row lock is what makes two concurrent writes with one ETag end in one 200, one 412.
 */
async function lockForWrite(trx: Kysely<Database>, id: string, caller: Caller, ifMatch: string | undefined) {
  await trx.selectFrom('posts').select('id').where('id', '=', id).forUpdate().execute();
  const current = await loadPost(trx, id);
  if (!current || !visibleTo(current, caller, 'write')) return notFound(id);
  if (!canActFor(caller, current.author_id)) return forbidden();
  if (ifMatch !== undefined && !matches(ifMatch, postEtag(current))) {
    return fail(PIPELINE_ERRORS.precondition_failed, 'The post changed since you read it: fetch it again and reapply your change.');
  }
  return current;
}

export async function updatePost(id: string, patch: PostUpdateInput, caller: Caller, ifMatch?: string) {
  return transact(db(), async (trx) => {
      const current = await lockForWrite(trx, id, caller, ifMatch);
      if (isFailure(current)) return current;
      // Nothing to change (no field, or only the status it already has): no write, no new
      // updated_at or ETag, and so no event — every change that commits has one, and this is none.
      const fields = Object.keys(patch);
      if (fields.length === 0 || (fields.length === 1 && patch.status === current.status)) return toPost(current);
      if (patch.cover_media_id && !(await ownsMedia(trx, patch.cover_media_id, current.author_id))) return coverInvalid(patch.cover_media_id);
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
            ...(patch.cover_media_id !== undefined && { cover_media_id: patch.cover_media_id }),
            status,
            published_at: status === 'published' ? (current.published_at ?? now) : null,
            updated_at: now,
          })
          .where('id', '=', id)
          .execute();
        const updated = (await loadPost(trx, id))!;
        // A change of content, of status, or both: each says so.
        const contentChanged = Object.keys(patch).some((field) => field !== 'status');
        if (contentChanged) await postEvent(trx, 'post.updated', updated);
        // Unpublished, it is named to everyone as they knew it: a slug changed with it is the draft's own.
        if (status !== current.status) await postEvent(trx, status === 'published' ? 'post.published' : 'post.unpublished', status === 'published' ? updated : { ...updated, slug: current.slug });
        return toPost(updated);
      } catch (error) {
        // The unique violation aborted the transaction: transact() rolls it back for the failure.
        if (isSlugConflict(error)) return slugInUse(patch.slug ?? current.slug);
        throw error;
      }
    });
}

export async function deletePost(id: string, caller: Caller, ifMatch?: string) {
  return transact(db(), async (trx) => {
    const current = await lockForWrite(trx, id, caller, ifMatch);
    if (isFailure(current)) return current;
    await trx.deleteFrom('posts').where('id', '=', id).execute();
    await postEvent(trx, 'post.deleted', current);
    return undefined;
  });
}
