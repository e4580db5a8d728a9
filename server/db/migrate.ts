import type { Kysely } from 'kysely';
import { Migrator } from 'kysely/migration';
import { migrations } from './migrations/index.ts';

/**
 * Applies every pending migration and returns the names of those it applied. Kysely's migrator
 * takes a lock (on PostgreSQL an advisory lock, inside the migrating transaction), so instances
 * starting together are safe: one applies the migrations, the others wait and find none left.
 * `onPending` hears the names still to apply before they run (a slow start can say why), read
 * before the lock is taken: another instance may apply them first.
 */
export async function migrateToLatest(db: Kysely<unknown>, options: { onPending?: (names: string[]) => void } = {}): Promise<string[]> {
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
