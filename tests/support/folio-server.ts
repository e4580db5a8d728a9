/**
 * Starts Folio's production build (`node server/start.ts`) on a free port against a fresh
 * database — a temporary PGlite directory, or a new PostgreSQL database created for this run
 * and dropped afterwards — and stops it again. Used by the integration and end-to-end tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import { migrateToLatest } from '../../server/db/migrate.ts';

export type DatabaseKind = 'pglite' | 'postgres';

/** Registering with this email makes an administrator on test servers. */
export const ADMIN_EMAIL = 'admin@folio.test';

export interface RunningFolio {
  kind: DatabaseKind;
  baseUrl: string;
  logFile: string;
  stop(): Promise<void>;
}

const ROOT = new URL('../..', import.meta.url).pathname;

/**
 * Where each server's log is kept after it stops (scripts/coverage-matrix.ts reads them: every
 * line has `operation` and `status`). Next to each `<kind>-<timestamp>.log` a `.json` marker
 * says which run it belongs to: `source` (vitest, or the script that started it), `suite` (the
 * command, e.g. `vitest run --project integration`) and `run`, an id. The first import in a
 * process tree sets run and suite in the environment, so the servers vitest's global setup starts
 * and those test files start themselves (rate limits) share them.
 */
export const SERVER_LOG_DIR = join(ROOT, 'test-results', 'server-logs');
const SOURCE = process.env.VITEST ? 'vitest' : basename(process.argv[1] ?? 'unknown', extname(process.argv[1] ?? ''));
const RUN_ID = (process.env.FOLIO_TEST_RUN_ID ??= `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`);
const SUITE = (process.env.FOLIO_TEST_SUITE ??= [SOURCE, ...process.argv.slice(2)].join(' '));

export interface ServerLogMarker {
  run: string;
  source: string;
  suite: string;
  kind: DatabaseKind;
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

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Creates an empty, migrated database on the server `baseUrl` points at; returns its URL and a drop function. */
export async function createTestDatabase(baseUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `folio_test_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url.toString(), max: 1 }) }) });
  await migrateToLatest(db);
  await db.destroy();
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: baseUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

async function waitUntilUp(baseUrl: string, child: ChildProcess, logFile: string) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Folio exited with ${child.exitCode}; see ${logFile}`);
    try {
      const response = await fetch(`${baseUrl}/api/v1/users/nobody`);
      if (response.status === 404) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`Folio did not answer within 60 s; see ${logFile}`);
}

export async function startFolio(kind: DatabaseKind, env: Record<string, string> = {}): Promise<RunningFolio> {
  if (!existsSync(join(ROOT, '.next/BUILD_ID'))) throw new Error('No production build: run `npm run build` first.');
  const port = await freePort();
  const scratch = mkdtempSync(join(tmpdir(), `folio-${kind}-`));
  const logFile = join(scratch, 'server.log');
  let database: { url: string; drop(): Promise<void> } | undefined;
  const dbEnv: Record<string, string> = { DATABASE_URL: '', FOLIO_PGLITE_DIR: join(scratch, 'pglite') };
  if (kind === 'postgres') {
    const base = postgresBaseUrl();
    if (!base) throw new Error('postgres tests need TEST_DATABASE_URL or DATABASE_URL');
    database = await createTestDatabase(base);
    dbEnv.DATABASE_URL = database.url;
  }
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, ['server/start.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      FOLIO_RESPONSE_VALIDATION: 'strict',
      // Limits no test run can reach; the rate-limit test starts its own server with small ones.
      FOLIO_RATE_LIMITS: 'read=1000000/60,write=1000000/60,auth=1000000/60',
      FOLIO_ADMIN_EMAILS: ADMIN_EMAIL,
      PORT: String(port),
      FOLIO_HOST: '127.0.0.1',
      ...dbEnv,
      ...env,
    },
    stdio: ['ignore', out, out],
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const startedAt = new Date().toISOString();
  await waitUntilUp(baseUrl, child, logFile);
  return {
    kind,
    baseUrl,
    logFile,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      const settings = Object.fromEntries(Object.entries(env).filter(([name]) => /^FOLIO_/.test(name) && !/SECRET|TOKEN|PASSWORD|KEY/.test(name)));
      keepLog(logFile, { run: RUN_ID, source: SOURCE, suite: SUITE, kind, env: settings, started_at: startedAt });
      await database?.drop();
      if (!process.env.FOLIO_KEEP_TEST_FILES) rmSync(scratch, { recursive: true, force: true });
    },
  };
}

/** The databases this run tests against: always the embedded one, PostgreSQL when a URL is set. */
export function databaseKinds(): DatabaseKind[] {
  return postgresBaseUrl() ? ['pglite', 'postgres'] : ['pglite'];
}
