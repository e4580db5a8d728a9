import { sql, type Kysely } from 'kysely';

/**
 * A claim on an Idempotency-Key is a lease: `locked_by` names the request that holds it and
 * `locked_until` is when it lapses unless renewed, after which a retry may take the key over.
 * Before this, a key whose request died with its process stayed "running" for 24 hours.
 * Keys running at upgrade time get a lease from when they were claimed (they are either
 * finishing now or dead); done keys hold no lease.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table idempotency_keys add column locked_by text, add column locked_until timestamptz`.execute(db);
  await sql`update idempotency_keys set locked_until = created_at + interval '10 seconds' where state = 'running'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table idempotency_keys drop column locked_by, drop column locked_until`.execute(db);
}
