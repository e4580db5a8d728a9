import { sql, type Kysely } from 'kysely';

/**
 * What an endpoint receives follows the token that made it, as the event log follows the token
 * that reads it (server/events/log.ts visibleTo): its owner's own events with `posts:read`, every
 * event with `admin` (while the owner is an administrator). The owner's account decided before,
 * so a token with only the webhooks scopes could subscribe to what it could not read. Endpoints
 * made before keep what they received then.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table webhook_endpoints add column scopes text[] not null default '{admin,posts:read}'`.execute(db);
  await sql`alter table webhook_endpoints alter column scopes drop default`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table webhook_endpoints drop column scopes`.execute(db);
}
