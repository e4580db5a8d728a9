import { sql, type Kysely } from 'kysely';

/**
 * Rate-limit counters are written on every request and worthless after a crash (a window lasts
 * a minute), so they skip the write-ahead log: cheaper writes, nothing of value at risk.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table rate_limit_counters set unlogged`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table rate_limit_counters set logged`.execute(db);
}
