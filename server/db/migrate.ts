import { sql, type Kysely } from 'kysely';
import { Migrator } from 'kysely/migration';
import { migrations } from './migrations/index.ts';

/**
 * Applies every pending migration and returns the names of those it applied. Kysely's migrator
 * takes a lock (on PostgreSQL an advisory lock, inside the migrating transaction), so instances
 * starting together are safe: one applies the migrations, the others wait and find none left.
 * `onPending` hears the names still to apply before they run (a slow start can say why), read
 * before the lock is taken: another instance may apply them first.
 */
export async function migrateToLatest(
  db: Kysely<unknown>,
  options: { onPending?: (names: string[]) => void; onAhead?: (unknown: string[]) => void } = {},
): Promise<string[]> {
  const ahead = await unknownMigrations(db);
  if (ahead) {
    if (ahead.missing.length > 0) {
      throw new Error(
        `the database has migrations this release does not know (${ahead.unknown.join(', ')}) and lacks some of its own (${ahead.missing.join(', ')}): ` +
          'run the release that migrated it, or one that has both',
      );
    }
    options.onAhead?.(ahead.unknown);
    return [];
  }
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  if (options.onPending) {
    const pending = (await migrator.getMigrations()).filter((m) => !m.executedAt).map((m) => m.name);
    if (pending.length > 0) options.onPending(pending);
  }
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error) throw error;
  const failed = results.find((r) => r.status === 'Error');
  if (failed) throw new Error(`Migration ${failed.migrationName} failed`);
  return results.map((r) => r.migrationName);
}

/**
 * A database a newer release has migrated: the migrations it ran that this code does not have,
 * and any of this code's own it has not run (undefined when it knows them all). Kysely's migrator
 * refuses such a database outright ("corrupted migrations"), which made the previous release —
 * an instance restarting during a rolling deploy, a rollback — unable to start. Folio's migrations
 * keep the previous release working (they add; what they remove, the release before stopped
 * using), so a database ahead of the code is served as it is.
 */
async function unknownMigrations(db: Kysely<unknown>): Promise<{ unknown: string[]; missing: string[] } | undefined> {
  const { rows: found } = await sql<{ present: boolean }>`select to_regclass('kysely_migration') is not null as present`.execute(db);
  if (!found[0]?.present) return undefined;
  const { rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
  const executed = new Set(rows.map((row) => row.name));
  const unknown = [...executed].filter((name) => !Object.hasOwn(migrations, name)).sort();
  if (unknown.length === 0) return undefined;
  return { unknown, missing: Object.keys(migrations).filter((name) => !executed.has(name)) };
}
