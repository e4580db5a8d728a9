import { sql, type Kysely } from 'kysely';

/** Owns the posts that existed before accounts did; it cannot sign in (its password hash matches nothing). */
export const LEGACY_AUTHOR_ID = 'user_00000000000000000000000000';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('is_admin', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  // Emails are unique regardless of case.
  await sql`create unique index users_email_lower on users (lower(email))`.execute(db);

  await db.schema
    .createTable('tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    // Only a SHA-256 of the secret is kept: a leaked table grants nothing.
    .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('scopes', sql`text[]`, (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz')
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('tokens_user_created').on('tokens').columns(['user_id', 'created_at']).execute();

  // Fixed-window request counters, shared by every instance through the database.
  await db.schema
    .createTable('rate_limit_counters')
    .addColumn('bucket', 'text', (c) => c.notNull())
    .addColumn('window_start', 'timestamptz', (c) => c.notNull())
    .addColumn('hits', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('rate_limit_counters_pkey', ['bucket', 'window_start'])
    .execute();

  await db.schema.alterTable('posts').addColumn('author_id', 'text', (c) => c.references('users.id').onDelete('cascade')).execute();
  await sql`
    insert into users (id, email, username, display_name, password_hash, created_at, updated_at)
    select ${LEGACY_AUTHOR_ID}, 'legacy@folio.invalid', 'folio', 'Folio', '!', now(), now()
    where exists (select 1 from posts)`.execute(db);
  await sql`update posts set author_id = ${LEGACY_AUTHOR_ID} where author_id is null`.execute(db);
  await db.schema.alterTable('posts').alterColumn('author_id', (c) => c.setNotNull()).execute();
  await db.schema.createIndex('posts_author_created_id').on('posts').columns(['author_id', 'created_at', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('posts').dropColumn('author_id').execute();
  await db.schema.dropTable('rate_limit_counters').execute();
  await db.schema.dropTable('tokens').execute();
  await db.schema.dropTable('users').execute();
}
