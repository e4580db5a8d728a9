import { db } from '../db/index.ts';

/**
 * Every tag on a published post, with how many published posts carry it; most used first. Read
 * from the counts the database keeps as posts change (migration 0009), never by scanning posts.
 */
export async function listTags(): Promise<{ name: string; count: number }[]> {
  return db()
    .selectFrom('tag_counts')
    .select(['tag as name', 'count'])
    .where('count', '>', 0)
    .orderBy('count', 'desc')
    .orderBy('tag', 'asc')
    .execute();
}
