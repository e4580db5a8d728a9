import { sql, type Kysely } from 'kysely';

/**
 * The rate limiter's PostgreSQL table (server/http/rate-limit-store.ts), made here instead of by
 * rate-limiter-flexible on first use: a server whose role may not change the schema (`db:migrate`
 * run by another, or PostgreSQL 15's default of no CREATE on `public`) could not make it, and
 * counted in each process's memory for good. The library's own layout (RateLimiterPostgres
 * `_getCreateTableStmt`); unlogged, as a window's counts are worth nothing after a crash. Where the
 * library made it already, that table stays.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create unlogged table if not exists rate_limits (key varchar(255) primary key, points integer not null default 0, expire bigint)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('rate_limits').ifExists().execute();
}
