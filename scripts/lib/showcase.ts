/**
 * The post and the comment the reference's examples name (postExample and commentExample in the
 * contracts), so that in a seeded database "Test Request" on getPost, listComments and getComment
 * finds them without an edit. Written once: a later seed, or a published post already using the
 * example's slug, leaves the database as it is.
 */
import type { Kysely } from 'kysely';
import { commentExample } from '../../contracts/comments/schemas.ts';
import { postExample } from '../../contracts/posts/schemas.ts';
import type { Database } from '../../server/db/schema.ts';

export async function ensureShowcase(db: Kysely<Database>, authorId: string, at: Date): Promise<boolean> {
  const clash = await db
    .selectFrom('posts')
    .select('id')
    .where((eb) => eb.or([eb('id', '=', postExample.id), eb.and([eb('slug', '=', postExample.slug), eb('status', '=', 'published')])]))
    .executeTakeFirst();
  if (clash) return false;
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('posts')
      .values({
        id: postExample.id,
        author_id: authorId,
        slug: postExample.slug,
        title: postExample.title,
        body: postExample.body,
        excerpt: null,
        status: 'published',
        tags: postExample.tags,
        created_at: at,
        updated_at: at,
        published_at: at,
      })
      .execute();
    await trx
      .insertInto('comments')
      .values({ id: commentExample.id, post_id: postExample.id, author_id: authorId, body: commentExample.body, created_at: at, updated_at: at })
      .execute();
  });
  return true;
}
