/**
 * Opening a database from a script: PostgreSQL by URL, or an embedded PGlite directory. Unlike
 * server/db/index.ts this opens PGlite without migrating it, so the caller decides when (and
 * can report what) migrations run. Never open a PGlite directory a running server is using:
 * two PGlite instances on one directory corrupt it.
 */
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import pg from 'pg';
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
  if (!target.dir.startsWith('memory://')) mkdirSync(target.dir, { recursive: true });
  const pglite = await PGlite.create(target.dir);
  return new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
}

/** Creates an empty database on the PostgreSQL server `serverUrl` points at; returns its URL and how to drop it. */
export async function createScratchDatabase(serverUrl: string, prefix: string): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}
