import type { Kysely } from 'kysely';
import { Comment, type CommentResource } from '../../contracts/comments/schemas.ts';
import { keyset } from '../db/keyset.ts';
import { transact } from '../db/transact.ts';
import { db } from '../db/index.ts';
import type { CommentRow, Database } from '../db/schema.ts';
import { PIPELINE_ERRORS } from '../../contracts/shared/errors.ts';
import { commentNotFound } from '../../contracts/comments/errors.ts';
import { postNotFound } from '../../contracts/posts/errors.ts';
import { fail, isFailure } from '../failure.ts';
import { canActFor, type Caller } from '../identity/caller.ts';
import { etagOf, matches } from '../etag.ts';
import { PUBLIC, recordEvent, type Audience } from '../events/log.ts';
import { newId } from '../ids.ts';
import { loadPost, visibleTo } from '../posts/read-model.ts';
import { AUTHOR_COLUMNS, authorOf, type AuthorColumns } from '../users/profile.ts';

const ID_PREFIX = 'cmt';

/** Logs a comment event with the change: public on a published post, else only for the post's author. */
async function commentEvent(
  trx: Kysely<Database>,
  type: 'comment.created' | 'comment.updated' | 'comment.deleted',
  comment: { id: string; post_id: string; author_id: string },
  post: { status: string; author_id: string },
) {
  const audience: Audience = post.status === 'published' ? PUBLIC : { visibility: 'owner', ownerId: post.author_id };
  await recordEvent(trx, type, { comment_id: comment.id, post_id: comment.post_id, author_id: comment.author_id }, audience);
}

type CommentWithAuthor = CommentRow & AuthorColumns;

function selectComments(conn: Kysely<Database>) {
  return conn
    .selectFrom('comments')
    .innerJoin('users', 'users.id', 'comments.author_id')
    .selectAll('comments')
    .select(AUTHOR_COLUMNS);
}

function toComment(row: CommentWithAuthor): CommentResource {
  return {
    id: row.id,
    post_id: row.post_id,
    body: row.body,
    author: authorOf(row),
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

/** The post, if it exists for this caller (drafts only for their author and admins). */
async function visiblePost(conn: Kysely<Database>, postId: string, caller: Caller | null) {
  const post = await loadPost(conn, postId);
  if (!post || !visibleTo(post, caller, 'read')) return fail(postNotFound, `No post has the id ${postId}.`);
  return post;
}

async function findComment(conn: Kysely<Database>, postId: string, commentId: string) {
  const row = await selectComments(conn).where('comments.id', '=', commentId).where('comments.post_id', '=', postId).executeTakeFirst();
  return row ?? fail(commentNotFound, `Post ${postId} has no comment ${commentId}.`);
}

const commentsKeyset = keyset(ID_PREFIX);

export async function listComments(postId: string, options: { limit: number; cursor?: string }, caller: Caller | null) {
  const post = await visiblePost(db(), postId, caller);
  if (isFailure(post)) return post;
  let query = selectComments(db())
    .where('comments.post_id', '=', postId)
    .orderBy('comments.created_at', 'asc')
    .orderBy('comments.id', 'asc')
    .limit(options.limit + 1);
  const after = commentsKeyset.after(options.cursor);
  if (after) query = query.where((eb) => eb(eb.refTuple('comments.created_at', 'comments.id'), '>', eb.tuple(after.createdAt, after.id)));
  return commentsKeyset.page(await query.execute(), options.limit, toComment, (row) => ({ createdAt: row.created_at, id: row.id }));
}

/**
 * The post, share-locked for the rest of the transaction, if the caller may see it: a delete or
 * a change of status racing a comment's change waits for it, or wins and is seen. So the comment's
 * event is as public as its post is when it commits (an unpublish racing it left a public event
 * about a draft's comment), and a deleted post is a 404, never a foreign-key failure.
 */
async function lockedPost(trx: Kysely<Database>, postId: string, caller: Caller) {
  await trx.selectFrom('posts').select('id').where('id', '=', postId).forShare().execute();
  return visiblePost(trx, postId, caller);
}

export async function createComment(postId: string, body: string, caller: Caller) {
  return transact(db(), async (trx) => {
    const post = await lockedPost(trx, postId, caller);
    if (isFailure(post)) return post;
    const now = new Date();
    const id = newId(ID_PREFIX, now.getTime());
    await trx.insertInto('comments').values({ id, post_id: postId, author_id: caller.userId, body, created_at: now, updated_at: now }).execute();
    await commentEvent(trx, 'comment.created', { id, post_id: postId, author_id: caller.userId }, post);
    return toComment((await selectComments(trx).where('comments.id', '=', id).executeTakeFirstOrThrow()));
  });
}

export async function getComment(postId: string, commentId: string, caller: Caller | null) {
  const post = await visiblePost(db(), postId, caller);
  if (isFailure(post)) return post;
  const comment = await findComment(db(), postId, commentId);
  return isFailure(comment) ? comment : toComment(comment);
}

/**
 * Locks the comment for a change by someone allowed to make it — its author or an admin; for
 * deletion the post's author too — and checks If-Match against its current representation.
 */
async function lockForWrite(trx: Kysely<Database>, postId: string, commentId: string, caller: Caller, intent: 'edit' | 'delete', ifMatch?: string) {
  const post = await lockedPost(trx, postId, caller);
  if (isFailure(post)) return post;
  await trx.selectFrom('comments').select('id').where('id', '=', commentId).forUpdate().execute();
  const comment = await findComment(trx, postId, commentId);
  if (isFailure(comment)) return comment;
  const allowed = canActFor(caller, comment.author_id) || (intent === 'delete' && caller.userId === post.author_id);
  if (!allowed) {
    return fail(PIPELINE_ERRORS.forbidden, `Only the comment's author${intent === 'delete' ? ', the post’s author' : ''} or an admin may ${intent} it.`);
  }
  if (ifMatch !== undefined && !matches(ifMatch, etagOf(JSON.stringify(Comment.parse(toComment(comment)))))) {
    return fail(PIPELINE_ERRORS.precondition_failed, 'The comment changed since you read it.');
  }
  return { comment, post };
}

export async function updateComment(postId: string, commentId: string, body: string, caller: Caller, ifMatch?: string) {
  return transact(db(), async (trx) => {
    const locked = await lockForWrite(trx, postId, commentId, caller, 'edit', ifMatch);
    if (isFailure(locked)) return locked;
    await trx.updateTable('comments').set({ body, updated_at: new Date() }).where('id', '=', commentId).execute();
    await commentEvent(trx, 'comment.updated', locked.comment, locked.post);
    return toComment(await selectComments(trx).where('comments.id', '=', commentId).executeTakeFirstOrThrow());
  });
}

export async function deleteComment(postId: string, commentId: string, caller: Caller, ifMatch?: string) {
  return transact(db(), async (trx) => {
    const locked = await lockForWrite(trx, postId, commentId, caller, 'delete', ifMatch);
    if (isFailure(locked)) return locked;
    await trx.deleteFrom('comments').where('id', '=', commentId).execute();
    await commentEvent(trx, 'comment.deleted', locked.comment, locked.post);
    return undefined;
  });
}
