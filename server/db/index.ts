import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import { mkdirSync } from 'node:fs';
import pg from 'pg';
import { config } from '../config.ts';
import { log } from '../log.ts';
import { migrateToLatest } from './migrate.ts';
import type { Database } from './schema.ts';

/**
 * The embedded database: PGlite in this process, persisted on disk. It is opened and migrated
 * on first use. Kysely's PGlite driver serialises access to its single connection, so a
 * transaction never interleaves with another request's queries.
 */
async function openEmbedded(dir: string): Promise<PGlite> {
  if (!dir.startsWith('memory://')) mkdirSync(dir, { recursive: true });
  const pglite = await PGlite.create(dir);
  const names = await migrateToLatest(new Kysely<unknown>({ dialect: new PGliteDialect({ pglite }) }));
  if (names.length > 0) log.info({ migrations: names }, 'embedded database migrated');
  return pglite;
}

export function createDatabase(options: { url?: string; pgliteDir: string; poolSize: number }): Kysely<Database> {
  if (options.url) {
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize });
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  }
  return new Kysely<Database>({ dialect: new PGliteDialect({ pglite: () => openEmbedded(options.pgliteDir) }) });
}

// One database per process. Kept on globalThis because Next.js may evaluate this module more
// than once (per route bundle, or on reload in development); two PGlite instances on one
// directory would corrupt it.
const holder = globalThis as typeof globalThis & { __folioDb?: Kysely<Database> };

export function db(): Kysely<Database> {
  holder.__folioDb ??= createDatabase({ url: config.databaseUrl, pgliteDir: config.pgliteDir, poolSize: config.poolSize });
  return holder.__folioDb;
}
