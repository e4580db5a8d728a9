import type { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import pg from 'pg';
import { config } from '../config.ts';
import { log } from '../log.ts';
import { openPGlite } from './embedded.ts';
import { migrateToLatest } from './migrate.ts';
import type { Database } from './schema.ts';
import { logQuerySpan } from '../telemetry/query-spans.ts';

// One database per process. Kept on globalThis because Next.js evaluates this module more than
// once (per route bundle, for instrumentation.ts, on reload in development); each evaluation must
// reach the same database, and a second opening of the embedded folder would be refused.
const holder = globalThis as typeof globalThis & { __folioDb?: Kysely<Database>; __folioEmbedded?: Promise<PGlite> };

/**
 * The embedded database: PGlite in this process, persisted on disk, locked to this process
 * (./embedded.ts), opened and migrated once. Kysely's PGlite driver serialises access to its
 * single connection, so a transaction never interleaves with another request's queries.
 */
function embedded(dir: string): Promise<PGlite> {
  holder.__folioEmbedded ??= (async () => {
    const pglite = await openPGlite(dir);
    const names = await migrateToLatest(new Kysely<unknown>({ dialect: new PGliteDialect({ pglite }) }));
    if (names.length > 0) log.info({ migrations: names }, 'embedded database migrated');
    return pglite;
  })();
  return holder.__folioEmbedded;
}

/** How long a request waits for a database connection before it is answered 503. */
const CONNECT_TIMEOUT_MS = 2000;

function createDatabase(options: { url?: string; pgliteDir: string; poolSize: number; statementTimeoutMs?: number }): Kysely<Database> {
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
  return new Kysely<Database>({ dialect: new PGliteDialect({ pglite: () => embedded(options.pgliteDir) }), ...(config.tracing && { log: logQuerySpan }) });
}

export function db(): Kysely<Database> {
  holder.__folioDb ??= createDatabase({ url: config.databaseUrl, pgliteDir: config.pgliteDir, poolSize: config.poolSize, statementTimeoutMs: config.statementTimeoutMs });
  return holder.__folioDb;
}

/**
 * Opens the embedded database now rather than on the first request, so that a server whose
 * folder another process holds fails at start with FolderInUseError instead of answering 500s.
 * (PostgreSQL is connected to on first use, as before: it may well come up after the server.)
 */
export async function openEmbeddedNow(): Promise<void> {
  if (!config.databaseUrl) await embedded(config.pgliteDir);
}

/**
 * Closes the database as the process stops (server/shutdown.ts): the pool's connections, or the
 * embedded database — checkpointed and its folder lock given up. A query after this fails with an
 * error the binding answers 503 (server/db/errors.ts), never reopening anything.
 */
export async function closeDatabase(): Promise<void> {
  await holder.__folioDb?.destroy();
  const pglite = await holder.__folioEmbedded?.catch(() => undefined);
  if (pglite && !pglite.closed) await pglite.close();
}
