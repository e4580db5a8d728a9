import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('posts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('excerpt', 'text')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('draft', 'published')`))
    .addColumn('tags', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('published_at', 'timestamptz')
    .execute();
  // The keyset of every list (newest first, ties broken by id); B-trees scan either way.
  await db.schema.createIndex('posts_status_created_id').on('posts').columns(['status', 'created_at', 'id']).execute();
  await db.schema.createIndex('posts_created_id').on('posts').columns(['created_at', 'id']).execute();
  await sql`create index posts_tags on posts using gin (tags)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('posts').execute();
}
