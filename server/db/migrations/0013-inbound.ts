import { sql, type Kysely } from 'kysely';

/**
 * Inbound webhooks (server/inbound/): each verified delivery recorded once, by its sender's
 * delivery id — the unique (source, delivery_id) is what makes a retried delivery a no-op. And
 * a third audience for events: `admin`, for what only administrators may see (inbound.received).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table inbound_deliveries (
      id text primary key,
      source text not null,
      delivery_id text not null,
      type text,
      payload jsonb not null,
      received_at timestamptz not null,
      unique (source, delivery_id)
    )`.execute(db);
  await sql`create index inbound_deliveries_received on inbound_deliveries (received_at)`.execute(db);
  await sql`alter table events drop constraint events_visibility_check`.execute(db);
  await sql`alter table events add constraint events_visibility_check check (visibility in ('public', 'owner', 'admin'))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`delete from events where visibility = 'admin'`.execute(db);
  await sql`alter table events drop constraint events_visibility_check`.execute(db);
  await sql`alter table events add constraint events_visibility_check check (visibility in ('public', 'owner'))`.execute(db);
  await sql`drop table inbound_deliveries`.execute(db);
}
