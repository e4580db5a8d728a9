/**
 * Reference counting of stored objects. Rows name objects by content address, and several rows may
 * share one; an object goes when the last row naming it does. Every step that adds or removes a
 * reference to a key holds a transaction-scoped advisory lock on it, so an upload of bytes that a
 * delete is removing either finds them gone (and stores them again) or keeps them alive.
 */
import { sql, type Kysely } from 'kysely';
import { db } from '../db/index.ts';
import type { Database } from '../db/schema.ts';
import { mediaStorage } from './storage/index.ts';

export async function lockKey(trx: Kysely<Database>, key: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`media.object:${key}`}))`.execute(trx);
}

async function referenced(trx: Kysely<Database>, key: string): Promise<boolean> {
  const row = await trx.selectFrom('media').select('id').where('storage_key', '=', key).limit(1).executeTakeFirst();
  return row !== undefined;
}

/** Inside a transaction holding the key's lock: the object is there, stored again from the staged file if a delete took it. */
export async function ensureStored(trx: Kysely<Database>, key: string, stagedPath: string, size: number): Promise<void> {
  await lockKey(trx, key);
  if (!(await mediaStorage().exists(key))) await mediaStorage().put(key, stagedPath, size);
}

/** Inside a transaction: deletes the object if no row names it any more. */
export async function forgetIfUnreferenced(trx: Kysely<Database>, key: string): Promise<boolean> {
  await lockKey(trx, key);
  if (await referenced(trx, key)) return false;
  await mediaStorage().delete(key);
  return true;
}

/** After a failed upload: the object it stored goes, unless another row has come to name it. */
export async function releaseObject(key: string): Promise<void> {
  await db()
    .transaction()
    .execute((trx) => forgetIfUnreferenced(trx, key));
}
