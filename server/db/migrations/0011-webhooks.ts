import { sql, type Kysely } from 'kysely';

/**
 * Webhooks. Endpoints (owned, with their sealed signing secrets and delivery health); deliveries
 * — one per event and endpoint, made by the dispatcher as it reads the event log — and their
 * attempts, the delivery log partners see. The queue that schedules attempts is pg-boss's, in its
 * own schema (installed by pg-boss as a worker starts); `job_id` names a delivery's current job,
 * so a superseded one (after a manual retry) sends nothing. `webhook_dispatch` is the
 * dispatcher's place in the event log: it survives restarts, so no event is skipped.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table webhook_endpoints (
      id text primary key,
      owner_id text not null references users(id) on delete cascade,
      url text not null,
      description text not null default '',
      event_types text[],
      enabled boolean not null default true,
      disabled_reason text check (disabled_reason in ('manual', 'gone', 'failing')),
      secret text not null,
      previous_secret text,
      previous_secret_expires_at timestamptz,
      last_success_at timestamptz,
      last_failure_at timestamptz,
      consecutive_failures integer not null default 0,
      failing_since timestamptz,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`.execute(db);
  await sql`create index webhook_endpoints_owner_created_id on webhook_endpoints (owner_id, created_at, id)`.execute(db);
  await sql`create index webhook_endpoints_created_id on webhook_endpoints (created_at, id)`.execute(db);

  await sql`
    create table webhook_deliveries (
      id text primary key,
      endpoint_id text not null references webhook_endpoints(id) on delete cascade,
      -- Deliveries go when their event is swept (FOLIO_EVENT_RETENTION_DAYS).
      event_id text not null references events(id) on delete cascade,
      event_type text not null,
      state text not null check (state in ('pending', 'succeeded', 'failed')),
      attempt_count integer not null default 0,
      next_attempt_at timestamptz,
      job_id text,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      unique (endpoint_id, event_id)
    )`.execute(db);
  await sql`create index webhook_deliveries_endpoint_created_id on webhook_deliveries (endpoint_id, created_at, id)`.execute(db);
  await sql`create index webhook_deliveries_event on webhook_deliveries (event_id)`.execute(db);
  // Readiness's backlog check: the most overdue pending attempt.
  await sql`create index webhook_deliveries_due on webhook_deliveries (next_attempt_at) where state = 'pending'`.execute(db);

  await sql`
    create table webhook_attempts (
      delivery_id text not null references webhook_deliveries(id) on delete cascade,
      attempt integer not null,
      attempted_at timestamptz not null,
      success boolean not null,
      status_code integer,
      latency_ms integer not null,
      response_body text,
      error text,
      primary key (delivery_id, attempt)
    )`.execute(db);

  // One row: the last event dispatched. Starts at the log's end: events before webhooks existed are not delivered.
  await sql`create table webhook_dispatch (id boolean primary key default true check (id), txid xid8 not null, seq bigint not null)`.execute(db);
  await sql`
    insert into webhook_dispatch (txid, seq)
    select coalesce(max(txid), '0'::xid8), coalesce((select max(seq) from events), 0) from events`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table webhook_dispatch`.execute(db);
  await sql`drop table webhook_attempts`.execute(db);
  await sql`drop table webhook_deliveries`.execute(db);
  await sql`drop table webhook_endpoints`.execute(db);
}
