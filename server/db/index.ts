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

/** How long a request waits for a database connection before it is answered 503. */
const CONNECT_TIMEOUT_MS = 2000;

export function createDatabase(options: { url?: string; pgliteDir: string; poolSize: number; statementTimeoutMs?: number }): Kysely<Database> {
  if (options.url) {
    // statement_timeout: a runaway query is cancelled by the server (a 503 for the client), never left holding a connection.
    // connectionTimeoutMillis: with the database away, a request waits at most this long for a connection (then 503), not forever.
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize,
      statement_timeout: options.statementTimeoutMs,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    });
    // An idle client whose server goes away emits 'error' on the pool: without a listener that kills the process.
    pool.on('error', (error) => log.warn({ err: error }, 'idle database connection lost'));
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  }
  return new Kysely<Database>({ dialect: new PGliteDialect({ pglite: () => openEmbedded(options.pgliteDir) }) });
}

// One database per process. Kept on globalThis because Next.js may evaluate this module more
// than once (per route bundle, or on reload in development); two PGlite instances on one
// directory would corrupt it.
const holder = globalThis as typeof globalThis & { __folioDb?: Kysely<Database> };

export function db(): Kysely<Database> {
  holder.__folioDb ??= createDatabase({ url: config.databaseUrl, pgliteDir: config.pgliteDir, poolSize: config.poolSize, statementTimeoutMs: config.statementTimeoutMs });
  return holder.__folioDb;
}
