import type { PGlite } from '@electric-sql/pglite';
import { AsyncLocalStorage } from 'node:async_hooks';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Kysely, PGliteDialect, PostgresDialect, type ControlledTransaction, type PostgresPool, type PostgresPoolClient } from 'kysely';
import pg from 'pg';
import { config } from '../config.ts';
import { log } from '../log.ts';
import { openPGlite } from './embedded.ts';
import { isTransientDatabaseError, QUERY_READ_TIMEOUT } from './errors.ts';
import { migrateToLatest } from './migrate.ts';
import type { Database } from './schema.ts';
import { describeTarget, targetFrom } from './target.ts';
import { logQuerySpan } from '../telemetry/query-spans.ts';

// One database per process. Kept on globalThis because Next.js evaluates this module more than
// once (per route bundle, for instrumentation.ts, on reload in development); each evaluation must
// reach the same database, and a second opening of the embedded folder would be refused.
const holder = globalThis as typeof globalThis & {
  __folioDb?: Kysely<Database>;
  __folioEmbedded?: Promise<PGlite>;
  __folioMigrated?: Promise<void>;
  __folioRequestTransaction?: AsyncLocalStorage<RequestTransaction>;
};

interface RequestTransaction {
  trx: ControlledTransaction<Database>;
  /** Until it commits or rolls back: work that outlives it (a timer it started) gets the pool again. */
  open: boolean;
}
const requestTransaction = (holder.__folioRequestTransaction ??= new AsyncLocalStorage<RequestTransaction>());

/** The database this process uses, in words fit for a log: PostgreSQL's password is never shown. */
const where = () => describeTarget(targetFrom(config));

/** Applies pending migrations, saying in the log what it applies (before and after) or that there was nothing to. */
async function migrate(db: Kysely<unknown>): Promise<void> {
  const database = where();
  const started = performance.now();
  let ahead = false;
  const applied = await migrateToLatest(db, {
    onPending: (pending) => log.info({ database, pending }, `migrating ${database}: ${pending.length} migration(s) to apply`),
    onAhead: (unknown) => {
      ahead = true;
      log.warn({ database, unknown }, `${database} is ahead of this release (${unknown.length} migration(s) it does not know, from a newer one): serving it as it is`);
    },
  });
  const ms = Math.round(performance.now() - started);
  if (applied.length > 0) log.info({ database, migrations: applied, ms }, `migrated ${database}: applied ${applied.length} migration(s)`);
  else if (!ahead) log.info({ database }, `using ${database}: up to date`);
}

/**
 * The embedded database: PGlite in this process, persisted on disk, locked to this process
 * (./embedded.ts), opened and migrated once. Kysely's PGlite driver serialises access to its
 * single connection, so a transaction never interleaves with another request's queries.
 */
function embedded(dir: string): Promise<PGlite> {
  holder.__folioEmbedded ??= (async () => {
    // PGlite writes PG_VERSION when it initialises a folder: without it, this start creates the database.
    if (!dir.startsWith('memory://') && !existsSync(join(dir, 'PG_VERSION'))) log.info({ database: where() }, `creating a new database: ${where()}`);
    const pglite = await openPGlite(dir);
    await migrate(new Kysely<unknown>({ dialect: new PGliteDialect({ pglite }) }));
    return pglite;
  })();
  return holder.__folioEmbedded;
}

/** How long a request waits for a database connection before it is answered 503. */
const CONNECT_TIMEOUT_MS = 2000;

/**
 * PostgreSQL, migrated once per process: as the server starts (openDatabaseNow), or — if the
 * database could not be reached then — before the first query that reaches it. Migrations run on
 * a connection of their own, without the pool's statement_timeout: building an index on a large
 * table may take longer than any request should. A failure is forgotten, so the next use retries.
 */
function migratedPostgres(url: string): Promise<void> {
  holder.__folioMigrated ??= (async () => {
    const pool = new pg.Pool({ connectionString: url, max: 1, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    pool.on('error', (error) => log.warn({ err: error }, 'migration connection lost'));
    const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
    try {
      await migrate(db);
    } finally {
      await db.destroy();
    }
  })().catch((error: unknown) => {
    holder.__folioMigrated = undefined;
    throw error;
  });
  return holder.__folioMigrated;
}

/**
 * A migration that failed after the start (the database could not be reached then) for any reason
 * but reaching it — a role without the right to change the schema, a migration this code does not
 * know — fails again for every request, each a 500. It stops the process instead, exit code 1, as
 * the same failure at the start does (server/on-start.ts): a supervisor sees it and an operator
 * reads why. An unreachable database is rethrown: a 503, and the next request tries again.
 */
function exitUnlessTransient(error: unknown): never {
  if (isTransientDatabaseError(error)) throw error;
  console.error(new DatabaseNotReadyError(where(), error).message);
  process.exit(1);
}

/** How much longer than the statement timeout pg waits for an answer before giving up on the database. */
const QUERY_TIMEOUT_MARGIN_MS = 1000;

const isReadTimeout = (error: unknown) => error instanceof Error && error.message === QUERY_READ_TIMEOUT;

/**
 * The pool as Kysely takes it, where a connection whose query outlived query_timeout is never used
 * again. pg stops waiting then, but the connection is still inside that query, and inside the
 * request's transaction: handed to the next request, that one's statements would queue behind it,
 * and its COMMIT could commit the work the first was answered 503 for. So its socket is closed at
 * once — what was queued on it (the ROLLBACK) fails now, a 503, instead of after another timeout,
 * and PostgreSQL rolls the transaction back when it sees the connection gone — and the pool drops it.
 */
function abandoningTimedOut(pool: pg.Pool): PostgresPool {
  // One wrapper per connection, as Kysely keeps its own state per client object it is given.
  const wrapped = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    let abandoned = false;
    const query = (...args: Parameters<PostgresPoolClient['query']>) => {
      const result = (client.query as (...a: unknown[]) => unknown)(...args);
      if (!(result instanceof Promise)) return result; // a cursor, which reports its own errors
      return result.catch((error: unknown) => {
        if (isReadTimeout(error) && !abandoned) {
          abandoned = true;
          // Closing a checked-out client makes it emit 'error', which nothing else listens for here.
          client.on('error', () => undefined);
          (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
        }
        throw error;
      });
    };
    // Released with a truthy value, pg's pool ends the connection instead of keeping it (Kysely's own discard too).
    return { query: query as PostgresPoolClient['query'], release: (discard?: boolean) => client.release(abandoned || discard) };
  };
  return {
    async connect() {
      const client = await pool.connect();
      let found = wrapped.get(client);
      if (!found) wrapped.set(client, (found = wrap(client)));
      return found;
    },
    end: () => pool.end(),
    // What Kysely reads of the pool besides: its options, and its Client class (to cancel a query).
    options: pool.options,
    Client: (pool as unknown as PostgresPool).Client,
  };
}

function createDatabase(options: { url?: string; pgliteDir: string; poolSize: number; statementTimeoutMs?: number }): Kysely<Database> {
  const { url } = options;
  if (url) {
    // statement_timeout: a runaway query is cancelled by the server (a 503 for the client), never left holding a connection.
    // connectionTimeoutMillis: with the database away, a request waits at most this long for a connection (then 503), not forever.
    // query_timeout: the statement timeout is the database's to enforce, and one that stops answering
    // (its machine stalled, its network dropping packets) enforces nothing: pg gives up waiting a
    // little after it instead (abandoningTimedOut says what becomes of that connection).
    const pool = new pg.Pool({
      connectionString: url,
      max: options.poolSize,
      statement_timeout: options.statementTimeoutMs,
      query_timeout: options.statementTimeoutMs ? options.statementTimeoutMs + QUERY_TIMEOUT_MARGIN_MS : undefined,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    });
    // An idle client whose server goes away emits 'error' on the pool: without a listener that kills the process.
    pool.on('error', (error) => log.warn({ err: error }, 'idle database connection lost'));
    // Kysely takes the pool once, on first use, and asks again if that failed: no query runs on an unmigrated database.
    const migratedPool = async () => {
      await migratedPostgres(url).catch(exitUnlessTransient);
      return abandoningTimedOut(pool);
    };
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool: migratedPool }) });
  }
  return new Kysely<Database>({ dialect: new PGliteDialect({ pglite: () => embedded(options.pgliteDir) }), ...(config.tracing && { log: logQuerySpan }) });
}

/** The database — or, inside `inRequestTransaction`, that transaction (which transact() then joins). */
export function db(): Kysely<Database> {
  const ambient = requestTransaction.getStore();
  return ambient?.open ? ambient.trx : pool();
}

function pool(): Kysely<Database> {
  holder.__folioDb ??= createDatabase({ url: config.databaseUrl, pgliteDir: config.pgliteDir, poolSize: config.poolSize, statementTimeoutMs: config.statementTimeoutMs });
  return holder.__folioDb;
}

/**
 * Runs `work` in one transaction that every db() inside it uses — a handler's statements, and
 * what the caller writes after them with `conn` — and commits it when `work` says so, or rolls it
 * back (also when it throws). So on PostgreSQL a request's effects and the record of its response
 * (an Idempotency-Key's, server/http/idempotency.ts) are committed together or not at all.
 *
 * Not on the embedded database: its one connection serves every request in turn, and a handler
 * may wait on other things than the database (a webhook URL's DNS lookup), during which holding
 * that connection would stall every other request. There `work` runs on the database as usual,
 * each statement committed as it goes — and the database cannot fail apart from the process, so
 * what separates the two commits is only the instant between them.
 */
export async function inRequestTransaction<T>(work: (conn: Kysely<Database>) => Promise<{ result: T; commit: boolean }>): Promise<T> {
  if (!config.databaseUrl) return (await work(pool())).result;
  const trx = await pool().startTransaction().execute();
  const scope: RequestTransaction = { trx, open: true };
  let outcome: { result: T; commit: boolean };
  try {
    outcome = await requestTransaction.run(scope, () => work(trx)).finally(() => (scope.open = false));
  } catch (error) {
    await trx.rollback().execute().catch(() => undefined);
    throw error;
  }
  await (outcome.commit ? trx.commit() : trx.rollback()).execute();
  return outcome.result;
}

/** The database could not be prepared at start (a migration failed): the server must not serve. */
export class DatabaseNotReadyError extends Error {
  constructor(database: string, cause: unknown) {
    super(
      `Could not migrate ${database}: ${cause instanceof Error ? cause.message : String(cause)}. ` +
        'Folio applies pending migrations as it starts; fix the cause, or apply them with `npm run db:migrate` ' +
        '(same DATABASE_URL, as a role that may change the schema), then start again.',
      { cause },
    );
    this.name = 'DatabaseNotReadyError';
  }
}

/**
 * Opens and migrates the database now rather than on the first request, so that a start names the
 * database it uses in the log, creates and migrates it before serving, and fails at once — with
 * FolderInUseError for an embedded folder another process holds, DatabaseNotReadyError for a
 * migration that fails — instead of answering 500s. A PostgreSQL that cannot be reached yet does
 * not stop the start (it may well come up after the server): requests are answered 503 until it
 * can be, and the first that reaches it migrates it.
 */
export async function openDatabaseNow(): Promise<void> {
  if (!config.databaseUrl) {
    await embedded(config.pgliteDir);
    return;
  }
  try {
    await migratedPostgres(config.databaseUrl);
  } catch (error) {
    if (!isTransientDatabaseError(error)) throw new DatabaseNotReadyError(where(), error);
    log.warn({ database: where(), err: error }, `cannot reach ${where()} yet: answering 503 until it can, then migrating it before the first query`);
  }
}

/** The embedded database's PGlite, for what Kysely does not cover (LISTEN); undefined with PostgreSQL. */
export function embeddedDatabase(): Promise<PGlite> | undefined {
  return config.databaseUrl ? undefined : embedded(config.pgliteDir);
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
