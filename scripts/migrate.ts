/**
 * `npm run db:migrate`: applies every pending migration to the configured database — DATABASE_URL
 * when set, else the embedded PGlite directory (FOLIO_PGLITE_DIR, default `.data/pglite`) — and
 * says which ran. Exits non-zero on failure, and when a server (or another script) holds the PGlite
 * directory: it says which process does.
 */
import type { Kysely } from 'kysely';
import { config } from '../server/config.ts';
import { migrateToLatest } from '../server/db/migrate.ts';
import { describeTarget, openDatabase, targetFrom, type DatabaseTarget } from './lib/database.ts';

/** Opens the target, applies pending migrations, closes it; returns the names of those that ran. */
export async function migrateTarget(target: DatabaseTarget): Promise<string[]> {
  const db = await openDatabase(target, { poolSize: 1 });
  try {
    return await migrateToLatest(db as unknown as Kysely<unknown>);
  } finally {
    await db.destroy();
  }
}

if (import.meta.main) {
  const target = targetFrom(config);
  const where = describeTarget(target);
  try {
    const started = performance.now();
    const names = await migrateTarget(target);
    const ms = Math.round(performance.now() - started);
    if (names.length === 0) console.log(`${where}: up to date (${ms} ms).`);
    else console.log(`${where}: applied ${names.length} migration(s) in ${ms} ms:\n  ${names.join('\n  ')}`);
  } catch (error) {
    console.error(`Migrating ${where} failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
