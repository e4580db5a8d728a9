import { sql, type Kysely } from 'kysely';

/**
 * The first rate limiter's counters. Requests are now counted by rate-limiter-flexible in the
 * store the deployment chooses (server/http/rate-limit-store.ts), whose PostgreSQL table is
 * `rate_limits`; nothing reads or writes this one any more.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('rate_limit_counters').ifExists().execute();
}

/** Back to 0013's shape (as 0002 made it and 0005 left it); the counts themselves are gone, as a window's are after a minute. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('rate_limit_counters')
    .addColumn('bucket', 'text', (c) => c.notNull())
    .addColumn('window_start', 'timestamptz', (c) => c.notNull())
    .addColumn('hits', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('rate_limit_counters_pkey', ['bucket', 'window_start'])
    .execute();
  await sql`alter table rate_limit_counters set unlogged`.execute(db);
}
