/**
 * Starts Folio's production build (`node server/start.ts`) on a free port against a fresh
 * database — a temporary PGlite directory, or a new PostgreSQL database created for this run
 * and dropped afterwards — and stops it again. Used by the integration and end-to-end tests.
 */
import type { ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { runAdmin } from '../../scripts/admin.ts';
import { seedPosts } from '../../scripts/seed.ts';
import { createScratchDatabase, openDatabase, type DatabaseTarget } from '../../scripts/lib/database.ts';
import { migrateToLatest } from '../../server/db/migrate.ts';
import type { Kysely } from 'kysely';
import { freePort, hasBuild, REPO_ROOT, spawnFolio } from '../../scripts/lib/folio-process.ts';

export type DatabaseKind = 'pglite' | 'postgres';
/** A server of the kinds above, or one configured for a PostgreSQL that nothing listens at (outage tests). */
export type ServerKind = DatabaseKind | 'unreachable';

/**
 * The administrator every test server starts with, created by the operator's command
 * (scripts/admin.ts) before the server starts: registering can never make one.
 */
export const ADMIN = { username: 'admin', email: 'admin@folio.test', password: 'correct horse battery staple' } as const;

export interface RunningFolio {
  kind: ServerKind;
  baseUrl: string;
  logFile: string;
  /** Where it keeps media (FOLIO_MEDIA_DIR): staged uploads in `incoming/`, the filesystem driver's objects in `objects/`. */
  mediaDir: string;
  /** The server's process id (tests read its memory from /proc). */
  pid: number;
  /** The PostgreSQL database it uses (tests may read and arrange rows there); none for PGlite, which the server holds alone. */
  databaseUrl?: string;
  /** The embedded database's folder (PGlite): open it only once the server has exited. */
  pgliteDir?: string;
  /** The server's process, for tests that signal or kill it. */
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Where each server's log is kept after it stops (scripts/coverage-matrix.ts reads them: every
 * line has `operation` and `status`). Next to each `<kind>-<timestamp>.log` a `.json` marker
 * says which run it belongs to: `source` (vitest, or the script that started it), `suite` (the
 * command, e.g. `vitest run --project integration`) and `run`, an id. The first import in a
 * process tree sets run and suite in the environment, so the servers vitest's global setup starts
 * and those test files start themselves (rate limits) share them.
 */
export const SERVER_LOG_DIR = join(REPO_ROOT, 'test-results', 'server-logs');
const SOURCE = process.env.VITEST ? 'vitest' : basename(process.argv[1] ?? 'unknown', extname(process.argv[1] ?? ''));
const RUN_ID = (process.env.FOLIO_TEST_RUN_ID ??= `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`);
const SUITE = (process.env.FOLIO_TEST_SUITE ??= [SOURCE, ...process.argv.slice(2)].join(' '));

export interface ServerLogMarker {
  run: string;
  source: string;
  suite: string;
  kind: ServerKind;
  /** The FOLIO_* settings the caller gave the server beyond the defaults (e.g. small rate limits). */
  env: Record<string, string>;
  started_at: string;
  stopped_at: string;
}

function keepLog(logFile: string, marker: Omit<ServerLogMarker, 'stopped_at'>) {
  try {
    mkdirSync(SERVER_LOG_DIR, { recursive: true });
    const stem = `${marker.kind}-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`;
    copyFileSync(logFile, join(SERVER_LOG_DIR, `${stem}.log`));
    writeFileSync(join(SERVER_LOG_DIR, `${stem}.json`), JSON.stringify({ ...marker, stopped_at: new Date().toISOString() }, null, 2) + '\n');
  } catch (error) {
    console.warn(`Could not keep the server log ${logFile}: ${error}`);
  }
}

export function postgresBaseUrl(): string | undefined {
  return process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || undefined;
}

/** The inbound webhook source every test server has (tests/support/fixtures.ts names it; inbound.test.ts configures its own). */
export const TEST_INBOUND_SOURCE = { name: 'example', scheme: 'standard-webhooks', secret: 'whsec_dGVzdCBzZXJ2ZXJzIG9ubHksIG5ldmVyIGRlcGxveWVk' } as const;

/** The settings of every test server, before its database and the caller's own. */
export const TEST_SERVER_ENV: Record<string, string> = {
  FOLIO_RESPONSE_VALIDATION: 'strict',
  // Limits no test run can reach; the rate-limit test starts its own server with small ones.
  FOLIO_RATE_LIMITS: 'read=1000000/60,write=1000000/60,auth=1000000/60',
  FOLIO_INBOUND_SOURCES: JSON.stringify({ [TEST_INBOUND_SOURCE.name]: { scheme: TEST_INBOUND_SOURCE.scheme, secret: TEST_INBOUND_SOURCE.secret } }),
  // Counted where the database says (in process, or PostgreSQL) unless a test asks for Redis (rate-limit-stores.ts).
  REDIS_URL: '',
};

export interface StartOptions {
  /** Sample posts to seed (scripts/seed.ts) before the server starts, with the reference's example post. */
  seedPosts?: number;
  /** The PostgreSQL server to create the database on (a test's throwaway one, tests/support/throwaway-postgres.ts), instead of TEST_DATABASE_URL's. */
  postgresServer?: string;
}

export async function startFolio(kind: ServerKind, env: Record<string, string> = {}, options: StartOptions = {}): Promise<RunningFolio> {
  if (!hasBuild()) throw new Error('No production build: run `npm run build` first.');
  const scratch = mkdtempSync(join(tmpdir(), `folio-${kind}-`));
  const logFile = join(scratch, 'server.log');
  let database: { url: string; drop(): Promise<void> } | undefined;
  const dbEnv: Record<string, string> = { DATABASE_URL: '', FOLIO_PGLITE_DIR: join(scratch, 'pglite'), FOLIO_MEDIA_DIR: join(scratch, 'media') };
  if (kind === 'postgres') {
    const base = options.postgresServer ?? postgresBaseUrl();
    if (!base) throw new Error('postgres tests need TEST_DATABASE_URL or DATABASE_URL');
    database = await createScratchDatabase(base, 'folio_test', { migrate: true });
    dbEnv.DATABASE_URL = database.url;
  }
  if (kind === 'unreachable') dbEnv.DATABASE_URL = `postgres://postgres@127.0.0.1:${await freePort()}/nothing_listens_here`;
  else await prepare(kind === 'postgres' ? { kind, url: dbEnv.DATABASE_URL! } : { kind, dir: dbEnv.FOLIO_PGLITE_DIR! }, options);
  const startedAt = new Date().toISOString();
  const server = await spawnFolio({
    logFile,
    env: { ...TEST_SERVER_ENV, ...dbEnv, ...env },
    // Up means answering: 404 for a user nobody has, or 503 without a database.
    ready: { path: '/api/v1/users/nobody', status: kind === 'unreachable' ? 503 : 404 },
  }).catch(async (error: unknown) => {
    // spawnFolio has stopped the server; the scratch directory stays for the log the error names.
    await database?.drop();
    throw error;
  });
  return {
    kind,
    baseUrl: server.baseUrl,
    logFile,
    mediaDir: env.FOLIO_MEDIA_DIR ?? dbEnv.FOLIO_MEDIA_DIR!,
    pid: server.child.pid!,
    databaseUrl: database?.url,
    pgliteDir: kind === 'pglite' ? dbEnv.FOLIO_PGLITE_DIR : undefined,
    child: server.child,
    async stop() {
      await server.stop();
      const settings = Object.fromEntries(Object.entries(env).filter(([name]) => /^FOLIO_/.test(name) && !/SECRET|TOKEN|PASSWORD|KEY|SOURCES/.test(name)));
      keepLog(logFile, { run: RUN_ID, source: SOURCE, suite: SUITE, kind, env: settings, started_at: startedAt });
      await database?.drop();
      if (!process.env.FOLIO_KEEP_TEST_FILES) rmSync(scratch, { recursive: true, force: true });
    },
  };
}

/** Creates ADMIN in the (migrated) database, as an operator would with `npm run admin -- create`, and seeds it when asked. */
async function prepare(target: DatabaseTarget, options: StartOptions): Promise<void> {
  const conn = await openDatabase(target, { poolSize: 1 });
  try {
    await migrateToLatest(conn as unknown as Kysely<unknown>);
    process.env.FOLIO_ADMIN_PASSWORD = ADMIN.password;
    await runAdmin(conn, ['create', ADMIN.username, '--email', ADMIN.email]);
    if (options.seedPosts) await seedPosts(conn, { posts: options.seedPosts, authors: 4, seed: 1, batchSize: 500, until: Date.now() });
  } finally {
    delete process.env.FOLIO_ADMIN_PASSWORD;
    await conn.destroy();
  }
}

/** The databases this run tests against: always the embedded one, PostgreSQL when a URL is set. */
export function databaseKinds(): DatabaseKind[] {
  return postgresBaseUrl() ? ['pglite', 'postgres'] : ['pglite'];
}
