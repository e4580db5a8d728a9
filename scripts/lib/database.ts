/**
 * Opening a database from a script: PostgreSQL by URL, or an embedded PGlite directory. Unlike
 * server/db/index.ts this opens PGlite without migrating it, so the caller decides when (and
 * can report what) migrations run. A PGlite directory is opened under the same lock as the
 * server's (server/db/embedded.ts): while a server or another script has it, this throws
 * FolderInUseError, which names the holder; destroy() gives the directory up.
 */
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import { resolve } from 'node:path';
import pg from 'pg';
import { openPGlite } from '../../server/db/embedded.ts';
import { migrateToLatest } from '../../server/db/migrate.ts';
import type { Database } from '../../server/db/schema.ts';

export type DatabaseTarget = { kind: 'postgres'; url: string } | { kind: 'pglite'; dir: string };

/** The server's own rule (server/config.ts): DATABASE_URL when set, else the PGlite directory. */
export function targetFrom(settings: { databaseUrl?: string; pgliteDir: string }): DatabaseTarget {
  return settings.databaseUrl ? { kind: 'postgres', url: settings.databaseUrl } : { kind: 'pglite', dir: settings.pgliteDir };
}

const SECRET_PARAM = /pass|secret|token|key/i;

/** A connection string fit to print: the password and secret-looking query parameters are masked. */
export function redactUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return '(a connection string that is not a URL; not shown)';
  }
  if (url.password) url.password = '***';
  for (const name of [...url.searchParams.keys()]) if (SECRET_PARAM.test(name)) url.searchParams.set(name, '***');
  return url.toString();
}

export function describeTarget(target: DatabaseTarget): string {
  if (target.kind === 'postgres') return `PostgreSQL ${redactUrl(target.url)}`;
  return target.dir.startsWith('memory://') ? 'PGlite in memory' : `PGlite at ${resolve(target.dir)}`;
}

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
