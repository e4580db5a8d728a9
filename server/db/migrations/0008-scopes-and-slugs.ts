import { sql, type Kysely } from 'kysely';

/**
 * Two hardening changes to existing data.
 *
 * Scopes: reading the account's private fields and listing or revoking tokens now need scopes of
 * their own (`users:read`, `tokens:read`, `tokens:write`), so a narrowly scoped partner key can do
 * only what its scopes name. Tokens that held every former default scope were full sessions, and
 * get the new scopes too; narrower tokens (partner keys) do not.
 *
 * Slugs: unique among published posts and among one author's posts, no longer across everyone's
 * drafts — a global rule made a 409 reveal that someone else had a draft with that slug.
 */
const FORMER_DEFAULTS = ['posts:read', 'posts:write', 'comments:write', 'users:write'];
const NEW_SESSION_SCOPES = ['users:read', 'tokens:read', 'tokens:write'];

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    update tokens set scopes = scopes || ${sql.val(NEW_SESSION_SCOPES)}::text[]
    where scopes @> ${sql.val(FORMER_DEFAULTS)}::text[]`.execute(db);

  await sql`alter table posts drop constraint posts_slug_key`.execute(db);
  await sql`create unique index posts_published_slug on posts (slug) where status = 'published'`.execute(db);
  await sql`create unique index posts_author_slug on posts (author_id, slug)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index posts_author_slug`.execute(db);
  await sql`drop index posts_published_slug`.execute(db);
  await sql`alter table posts add constraint posts_slug_key unique (slug)`.execute(db);
  await sql`update tokens set scopes = array(select unnest(scopes) except select unnest(${sql.val(NEW_SESSION_SCOPES)}::text[]))`.execute(db);
}
