import { sql, type Kysely } from 'kysely';

/**
 * The title's own search vector. Search ranks title matches above body-only matches, newest
 * first within each: two index-friendly scans, where scoring every match (ts_rank) cost
 * hundreds of milliseconds for a common word on 100k posts.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table posts add column title_search tsvector generated always as (to_tsvector('english', title)) stored`.execute(db);
  await sql`create index posts_title_search on posts using gin (title_search)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table posts drop column title_search`.execute(db);
}
