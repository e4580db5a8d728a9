import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('media')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    // Content-addressed: identical bytes share one stored object (server/media/storage/).
    .addColumn('storage_key', 'text', (c) => c.notNull())
    .addColumn('width', 'integer')
    .addColumn('height', 'integer')
    .addColumn('alt', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  // The owner's list, newest first; everyone's (admins); who else holds an object, before it is deleted.
  await sql`create index media_owner_created_id on media (owner_id, created_at, id)`.execute(db);
  await sql`create index media_created_id on media (created_at, id)`.execute(db);
  await sql`create index media_storage_key on media (storage_key)`.execute(db);
  // A post's cover: media its author owns (checked by the service); media in use is not deleted (409).
  await sql`alter table posts add column cover_media_id text references media (id)`.execute(db);
  await sql`create index posts_cover_media_id on posts (cover_media_id) where cover_media_id is not null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table posts drop column cover_media_id`.execute(db);
  await db.schema.dropTable('media').execute();
}
