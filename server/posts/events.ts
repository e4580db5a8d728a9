import type { Kysely } from 'kysely';
import type { Database, PostRow } from '../db/schema.ts';
import { PUBLIC, recordEvent, type Audience } from '../events/log.ts';

type PostEvent = 'post.created' | 'post.updated' | 'post.published' | 'post.unpublished' | 'post.deleted';

/**
 * Logs a post event in the transaction that made the change. A published post's events are
 * public; a draft's reach only its author — except `post.unpublished`, which tells everyone who
 * saw the post that it is gone from public view.
 */
export async function postEvent(trx: Kysely<Database>, type: PostEvent, post: Pick<PostRow, 'id' | 'slug' | 'status' | 'author_id'>): Promise<void> {
  const audience: Audience = post.status === 'published' || type === 'post.unpublished' ? PUBLIC : { visibility: 'owner', ownerId: post.author_id };
  await recordEvent(trx, type, { post_id: post.id, slug: post.slug, status: post.status, author_id: post.author_id }, audience);
}
