import { sql, type Kysely } from 'kysely';

/**
 * The event log: one row per change, written in the transaction that makes the change (an
 * outbox). Its order is (txid, seq): the transaction's id, then the order within it. Readers take
 * only events of transactions older than every transaction still running
 * (`txid < pg_snapshot_xmin(pg_current_snapshot())`), so a transaction that commits late can
 * never be skipped by a reader who went past it — its events come, in order, once it is done.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table events (
      id text primary key,
      txid xid8 not null default pg_current_xact_id(),
      seq bigserial not null,
      type text not null,
      data jsonb not null,
      -- Who may see it: everyone (public), or the owner and administrators.
      visibility text not null check (visibility in ('public', 'owner')),
      owner_id text,
      created_at timestamptz not null
    )`.execute(db);
  await sql`create unique index events_position on events (txid, seq)`.execute(db);
  await sql`create index events_created on events (created_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table events`.execute(db);
}
