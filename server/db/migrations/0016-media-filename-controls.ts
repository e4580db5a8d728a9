import { sql, type Kysely } from 'kysely';

/**
 * Media filenames hold no C1 control characters (U+0080–U+009F) from now on, as none of the
 * others (contracts/media/schemas.ts Filename): those stored before lose them, so every answer
 * naming them still conforms to the document (a media's filename is checked in each response).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    update media set filename = coalesce(nullif(regexp_replace(filename, '[\\u0080-\\u009F]', '', 'g'), ''), 'file')
    where filename ~ '[\\u0080-\\u009F]'`.execute(db);
}

/** The characters removed are gone; nothing to undo. */
export async function down(): Promise<void> {}
