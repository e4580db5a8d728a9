import type { Kysely } from 'kysely';
import { Comment, type CommentResource } from '../../contracts/comments/schemas.ts';
import { decodeCursor, encodeCursor } from '../db/cursor.ts';
import { db } from '../db/index.ts';
import type { CommentRow, Database } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { canActFor, type Caller } from '../http/caller.ts';
import { etagOf, matches } from '../http/conditional.ts';
import { newId } from '../ids.ts';
import { loadPost, type PostWithAuthor, visibleTo } from '../posts/read-model.ts';
import { AUTHOR_COLUMNS, authorOf, type AuthorColumns } from '../users/service.ts';

const ID_PREFIX = 'cmt';

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
async function visiblePost(conn: Kysely<Database>, postId: string, caller: Caller | null): Promise<PostWithAuthor> {
  const post = await loadPost(conn, postId);
  if (!post || !visibleTo(post, caller, 'read')) throw new AppError('post_not_found', `No post has the id ${postId}.`);
  return post;
}

async function findComment(conn: Kysely<Database>, postId: string, commentId: string): Promise<CommentWithAuthor> {
  const row = await selectComments(conn).where('comments.id', '=', commentId).where('comments.post_id', '=', postId).executeTakeFirst();
  if (!row) throw new AppError('comment_not_found', `Post ${postId} has no comment ${commentId}.`);
  return row;
}

export async function listComments(postId: string, options: { limit: number; cursor?: string }, caller: Caller | null) {
  await visiblePost(db(), postId, caller);
  let query = selectComments(db())
    .where('comments.post_id', '=', postId)
    .orderBy('comments.created_at', 'asc')
    .orderBy('comments.id', 'asc')
    .limit(options.limit + 1);
  if (options.cursor) {
    const after = decodeCursor(options.cursor, ID_PREFIX);
    query = query.where((eb) => eb(eb.refTuple('comments.created_at', 'comments.id'), '>', eb.tuple(after.createdAt, after.id)));
  }
  const rows = await query.execute();
  const page = rows.slice(0, options.limit);
  const last = page.at(-1);
  const hasMore = rows.length > options.limit;
  return {
    data: page.map(toComment),
    has_more: hasMore,
    next_cursor: hasMore && last ? encodeCursor({ createdAt: last.created_at, id: last.id }) : null,
  };
}

/**
 * The post is checked and key-share locked in the transaction that inserts the comment: a delete
 * of the post racing it either waits for the comment (and removes it with the post) or wins, and
 * this answers 404 — never a foreign-key failure.
 */
export async function createComment(postId: string, body: string, caller: Caller): Promise<CommentResource> {
  return db()
    .transaction()
    .execute(async (trx) => {
      await trx.selectFrom('posts').select('id').where('id', '=', postId).forKeyShare().execute();
      await visiblePost(trx, postId, caller);
      const now = new Date();
      const id = newId(ID_PREFIX, now.getTime());
      await trx.insertInto('comments').values({ id, post_id: postId, author_id: caller.userId, body, created_at: now, updated_at: now }).execute();
      return toComment(await findComment(trx, postId, id));
    });
}

export async function getComment(postId: string, commentId: string, caller: Caller | null): Promise<CommentResource> {
  await visiblePost(db(), postId, caller);
  return toComment(await findComment(db(), postId, commentId));
}

/**
 * Locks the comment for a change by someone allowed to make it — its author or an admin; for
 * deletion the post's author too — and checks If-Match against its current representation.
 */
async function lockForWrite(trx: Kysely<Database>, postId: string, commentId: string, caller: Caller, intent: 'edit' | 'delete', ifMatch?: string) {
  const post = await visiblePost(trx, postId, caller);
  await trx.selectFrom('comments').select('id').where('id', '=', commentId).forUpdate().execute();
  const comment = await findComment(trx, postId, commentId);
  const allowed = canActFor(caller, comment.author_id) || (intent === 'delete' && caller.userId === post.author_id);
  if (!allowed) throw new AppError('forbidden', `Only the comment's author${intent === 'delete' ? ', the post’s author' : ''} or an admin may ${intent} it.`);
  if (ifMatch !== undefined && !matches(ifMatch, etagOf(JSON.stringify(Comment.parse(toComment(comment)))))) {
    throw new AppError('precondition_failed', 'The comment changed since you read it.');
  }
}

export async function updateComment(postId: string, commentId: string, body: string, caller: Caller, ifMatch?: string): Promise<CommentResource> {
  return db()
    .transaction()
    .execute(async (trx) => {
      await lockForWrite(trx, postId, commentId, caller, 'edit', ifMatch);
      await trx.updateTable('comments').set({ body, updated_at: new Date() }).where('id', '=', commentId).execute();
      return toComment(await findComment(trx, postId, commentId));
    });
}

export async function deleteComment(postId: string, commentId: string, caller: Caller, ifMatch?: string): Promise<void> {
  await db()
    .transaction()
    .execute(async (trx) => {
      await lockForWrite(trx, postId, commentId, caller, 'delete', ifMatch);
      await trx.deleteFrom('comments').where('id', '=', commentId).execute();
    });
}
