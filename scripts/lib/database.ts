/**
 * Opening a database from a script: PostgreSQL by URL, or an embedded PGlite directory. Unlike
 * server/db/index.ts this opens PGlite without migrating it, so the caller decides when (and
 * can report what) migrations run. A PGlite directory is opened under the same lock as the
 * server's (server/db/embedded.ts): while a server or another script has it, this throws
 * FolderInUseError, which names the holder; destroy() gives the directory up.
 */
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import pg from 'pg';
import { openPGlite } from '../../server/db/embedded.ts';
import { migrateToLatest } from '../../server/db/migrate.ts';
import type { Database } from '../../server/db/schema.ts';
import type { DatabaseTarget } from '../../server/db/target.ts';

export { describeTarget, redactUrl, targetFrom, type DatabaseTarget } from '../../server/db/target.ts';

export async function openDatabase(target: DatabaseTarget, options: { poolSize?: number } = {}): Promise<Kysely<Database>> {
  if (target.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: target.url, max: options.poolSize ?? 2 });
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  }
  return new Kysely<Database>({ dialect: new PGliteDialect({ pglite: await openPGlite(target.dir) }) });
}

/**
 * Creates a database `<prefix>_<pid>_<time>` on the PostgreSQL server `serverUrl` points at — empty,
 * or with every migration applied when `migrate` is set — and returns its URL and how to drop it.
 * If the migration fails, the database is dropped again before the error is thrown.
 */
export async function createScratchDatabase(
  serverUrl: string,
  prefix: string,
  options: { migrate?: boolean } = {},
): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}`;
  const onServer = async (sql: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await onServer(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const drop = () => onServer(`drop database if exists ${name} with (force)`);
  if (options.migrate) {
    try {
      const db = await openDatabase({ kind: 'postgres', url: url.toString() }, { poolSize: 1 });
      try {
        await migrateToLatest(db as unknown as Kysely<unknown>);
      } finally {
        await db.destroy();
      }
    } catch (error) {
      await drop();
      throw error;
    }
  }
  return { url: url.toString(), name, drop };
}
