/**
 * What a production server does with its database as it starts (server/on-start.ts → openDatabaseNow
 * in server/db/index.ts): it names the database in its log — the embedded folder, or PostgreSQL
 * without its password — creates and migrates what needs it before serving, and says so. On a new,
 * empty PostgreSQL database it used to answer 500 to every request; now it migrates it, safely when
 * several instances start together; one it cannot migrate stops the start, naming the command.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, openDatabase } from '../../scripts/lib/database.ts';
import { freePort, spawnFolio, type FolioProcess, type Readiness } from '../../scripts/lib/folio-process.ts';
import { migrateToLatest } from '../../server/db/migrate.ts';
import { migrations } from '../../server/db/migrations/index.ts';
import { send } from '../support/contract-assertions.ts';
import { postgresBaseUrl, TEST_SERVER_ENV } from '../support/folio-server.ts';

const ALL_MIGRATIONS = Object.keys(migrations);
const UP: Readiness = { path: '/api/v1/users/nobody', status: 404 };

const scratch = mkdtempSync(join(tmpdir(), 'folio-startup-'));
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  // Servers first (registered last), then what they used: every one, even after one fails (a
  // server left running would outlive the test run), and then the failures.
  const failures: unknown[] = [];
  for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => failures.push(error));
  if (!process.env.FOLIO_KEEP_TEST_FILES) rmSync(scratch, { recursive: true, force: true });
  if (failures.length > 0) throw new AggregateError(failures, 'cleaning up after the start-up tests failed');
});

async function serve(name: string, env: Record<string, string>, ready: Readiness = UP, port?: number): Promise<FolioProcess> {
  const server = await spawnFolio({ logFile: join(scratch, `${name}.log`), env: { ...TEST_SERVER_ENV, ...env }, ready, port });
  cleanups.push(() => server.stop());
  return server;
}

interface LogLine {
  level?: number;
  msg?: string;
  database?: string;
  migrations?: string[];
  pending?: string[];
}

/** The server's log: its JSON lines, and everything it printed. */
function logOf(name: string): { lines: LogLine[]; text: string } {
  const text = readFileSync(join(scratch, `${name}.log`), 'utf8');
  const lines = text.split('\n').flatMap((line) => {
    try {
      return [JSON.parse(line) as LogLine];
    } catch {
      return [];
    }
  });
  return { lines, text };
}

/** Registers a user and returns its name: the database has its tables, and the server writes to them. */
async function register(baseUrl: string): Promise<string> {
  const username = `u${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const res = await send(baseUrl, '/api/v1/users', {
    method: 'POST',
    json: { email: `${username}@example.com`, username, display_name: 'Started', password: 'correct horse battery staple' },
  });
  expect(res.status, res.text).toBe(201);
  return username;
}

describe('starting on the embedded database', () => {
  it('creates and migrates a new folder, naming it in the log; a restart finds it up to date', { timeout: 120_000 }, async () => {
    const folder = join(scratch, 'pglite');
    const env = { DATABASE_URL: '', FOLIO_PGLITE_DIR: folder };
    const where = `PGlite at ${folder}`;

    const first = await serve('pglite-new', env);
    const username = await register(first.baseUrl);
    await first.stop();
    const created = logOf('pglite-new').lines;
    expect(created.map((l) => l.msg)).toEqual(
      expect.arrayContaining([
        `creating a new database: ${where}`,
        `migrating ${where}: ${ALL_MIGRATIONS.length} migration(s) to apply`,
        `migrated ${where}: applied ${ALL_MIGRATIONS.length} migration(s)`,
      ]),
    );
    expect(created.find((l) => l.msg?.startsWith('migrated '))).toMatchObject({ database: where, migrations: ALL_MIGRATIONS });

    const again = await serve('pglite-again', env);
    expect((await send(again.baseUrl, `/api/v1/users/${username}`)).status).toBe(200);
    await again.stop();
    const reopened = logOf('pglite-again').lines.filter((l) => l.database);
    expect(reopened.map((l) => l.msg)).toEqual([`using ${where}: up to date`]);
  });
});

const base = postgresBaseUrl();

describe.each(base ? [base] : [])('starting on PostgreSQL', (serverUrl) => {
  /** A new, empty database on the test server, dropped after the file; its URL carries a password, which trust auth ignores. */
  async function emptyDatabase() {
    const database = await createScratchDatabase(serverUrl, 'folio_test_start');
    cleanups.push(() => database.drop());
    const url = new URL(database.url);
    const password = decodeURIComponent(url.password) || `never-logged-${randomUUID()}`;
    url.password = password;
    return { ...database, url: url.toString(), password, where: `PostgreSQL ${url.protocol}//${url.username}:***@${url.host}${url.pathname}` };
  }

  it('migrates a new, empty database before serving it, and names it in the log without its password', { timeout: 120_000 }, async () => {
    const database = await emptyDatabase();
    const server = await serve('pg-new', { DATABASE_URL: database.url });
    const username = await register(server.baseUrl);
    expect((await send(server.baseUrl, `/api/v1/users/${username}`)).status).toBe(200);
    await server.stop();

    const { lines, text } = logOf('pg-new');
    expect(text).not.toContain(database.password);
    expect(lines.filter((l) => l.database).map((l) => l.msg)).toEqual([
      `migrating ${database.where}: ${ALL_MIGRATIONS.length} migration(s) to apply`,
      `migrated ${database.where}: applied ${ALL_MIGRATIONS.length} migration(s)`,
    ]);
    expect(lines.filter((l) => l.level !== undefined && l.level >= 50), 'errors logged').toEqual([]);

    const again = await serve('pg-again', { DATABASE_URL: database.url });
    expect((await send(again.baseUrl, `/api/v1/users/${username}`)).status).toBe(200);
    await again.stop();
    expect(logOf('pg-again').lines.filter((l) => l.database).map((l) => l.msg)).toEqual([`using ${database.where}: up to date`]);
  });

  it('starts two servers together on one new database: both serve, and each migration is applied once', { timeout: 120_000 }, async () => {
    const database = await emptyDatabase();
    const [a, b] = await Promise.all([serve('pg-together-a', { DATABASE_URL: database.url }), serve('pg-together-b', { DATABASE_URL: database.url })]);
    await register(a!.baseUrl);
    await register(b!.baseUrl);
    await Promise.all([a!.stop(), b!.stop()]);
    const applied = ['pg-together-a', 'pg-together-b'].flatMap((name) => logOf(name).lines.flatMap((l) => (l.msg?.startsWith('migrated ') ? l.migrations! : [])));
    expect(applied.sort()).toEqual(ALL_MIGRATIONS);
    const rows = new pg.Client({ connectionString: database.url });
    await rows.connect();
    try {
      const { rows: recorded } = await rows.query<{ name: string }>('select name from kysely_migration order by name');
      expect(recorded.map((r) => r.name)).toEqual(ALL_MIGRATIONS);
    } finally {
      await rows.end();
    }
  });

  it('accepts no connection until its database is migrated: a probe is never held up behind a migration', { timeout: 120_000 }, async () => {
    const database = await emptyDatabase();
    // Kysely's migration lock (its PostgreSQL adapter's advisory lock), held here as another instance's migration would hold it.
    const holder = new pg.Client({ connectionString: database.url });
    await holder.connect();
    cleanups.push(() => holder.end().catch(() => undefined));
    await holder.query('begin');
    await holder.query('select pg_advisory_xact_lock(3853314791062309107)');
    const port = await freePort();
    const starting = serve('pg-held', { DATABASE_URL: database.url }, UP, port);
    // Next.js alone would listen now and migrate on the first request, which would wait behind the lock.
    const refused: boolean[] = [];
    for (let i = 0; i < 6; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      refused.push(await new Promise<boolean>((resolve) => connect(port, '127.0.0.1').once('connect', function (this: Socket) { this.destroy(); resolve(false); }).once('error', () => resolve(true))));
    }
    expect(refused, 'connections refused while the migration waits for its lock').toEqual(Array(6).fill(true));
    await holder.query('commit');
    const server = await starting;
    expect((await send(server.baseUrl, '/api/health/ready')).status).toBe(200);
    expect(logOf('pg-held').lines.map((l) => l.msg)).toContain(`migrated ${database.where}: applied ${ALL_MIGRATIONS.length} migration(s)`);
  });

  it('answers 503 while its database cannot be reached, and migrates it before the first query once it can', { timeout: 120_000 }, async () => {
    const database = await emptyDatabase();
    const target = new URL(database.url);
    // The database is reached through a port where, at first, nothing listens.
    const port = await freePort();
    const via = new URL(database.url);
    via.hostname = '127.0.0.1';
    via.port = String(port);
    const server = await serve('pg-later', { DATABASE_URL: via.toString() }, { path: UP.path, status: 503 });
    const where = `PostgreSQL ${via.protocol}//${via.username}:***@${via.host}${via.pathname}`;
    expect(logOf('pg-later').lines.map((l) => l.msg)).toContain(`cannot reach ${where} yet: answering 503 until it can, then migrating it before the first query`);

    const proxy = await forward(port, target.hostname, Number(target.port || 5432));
    cleanups.push(() => proxy.close());
    await register(server.baseUrl);
    expect(logOf('pg-later').lines.map((l) => l.msg)).toContain(`migrated ${where}: applied ${ALL_MIGRATIONS.length} migration(s)`);
    expect(logOf('pg-later').text).not.toContain(database.password);
  });

  /** An empty database, and its URL for a role that may connect but not create tables: as an application role of a locked-down deployment. */
  async function lockedDownDatabase(name: string) {
    const role = `folio_test_${name}_${process.pid}`;
    const admin = async (url: string, sql: string) => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    };
    await admin(serverUrl, `drop role if exists ${role}; create role ${role} login password 'reader-password'`);
    cleanups.push(() => admin(serverUrl, `drop role if exists ${role}`));
    // Made after the role, so dropped before it (cleanups run in reverse): its grants go with it.
    const database = await emptyDatabase();
    await admin(database.url, 'revoke create on schema public from public');
    const url = new URL(database.url);
    url.username = role;
    url.password = 'reader-password';

    return { url, role, admin, database };
  }

  it('refuses to start, saying why and what to run, when the migrations cannot be applied', { timeout: 120_000 }, async () => {
    const { url, role } = await lockedDownDatabase('refused');
    const refused = serve('pg-refused', { DATABASE_URL: url.toString() });
    await expect(refused).rejects.toThrow(/Folio exited \(1\)/);
    const { text } = logOf('pg-refused');
    expect(text).toContain(`Could not migrate PostgreSQL ${url.protocol}//${role}:***@${url.host}${url.pathname}: permission denied for schema public.`);
    expect(text).toContain('`npm run db:migrate`');
    expect(text).not.toContain('reader-password');
  });

  it('counts rate limits in PostgreSQL under a role that may only read and write, its database migrated by another', { timeout: 120_000 }, async () => {
    const { url, role, admin, database } = await lockedDownDatabase('app');
    const owner = await openDatabase({ kind: 'postgres', url: database.url }, { poolSize: 1 });
    try {
      await migrateToLatest(owner as unknown as Kysely<unknown>);
    } finally {
      await owner.destroy();
    }
    await admin(database.url, `grant select, insert, update, delete on all tables in schema public to ${role}`);
    const server = await serve('pg-app-role', { DATABASE_URL: url.toString(), FOLIO_RATE_LIMITS: 'read=4/60,write=100/60,auth=100/60' });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await send(server.baseUrl, '/api/v1/tags')).status);
    expect(statuses, 'the read budget (4, one spent by the start-up probe) runs out').toContain(429);
    const { text } = logOf('pg-app-role');
    expect(text, 'counted in the shared store, not in memory').not.toContain('rate-limit store failed');
    const counted = new pg.Client({ connectionString: database.url });
    await counted.connect();
    try {
      const { rows } = await counted.query<{ n: number }>(`select count(*)::int as n from rate_limits where key like 'read:%'`);
      expect(rows[0]!.n).toBeGreaterThan(0);
    } finally {
      await counted.end();
    }
  });

  it('serves a database a newer release has migrated, saying so (the previous release in a rolling deploy, a rollback)', { timeout: 120_000 }, async () => {
    const database = await emptyDatabase();
    const newer = await openDatabase({ kind: 'postgres', url: database.url }, { poolSize: 1 });
    try {
      await migrateToLatest(newer as unknown as Kysely<unknown>);
      await sql`insert into kysely_migration (name, timestamp) values ('9999-from-a-newer-release', ${new Date().toISOString()})`.execute(newer);
    } finally {
      await newer.destroy();
    }
    const server = await serve('pg-ahead', { DATABASE_URL: database.url });
    await register(server.baseUrl);
    expect(logOf('pg-ahead').lines.filter((l) => l.database).map((l) => l.msg)).toEqual([
      `${database.where} is ahead of this release (1 migration(s) it does not know, from a newer one): serving it as it is`,
    ]);
  });

  it('stops, exit code 1, when a migration it could not run at the start fails later: never a 500 for every request', { timeout: 120_000 }, async () => {
    const { url, role } = await lockedDownDatabase('later');
    const target = { host: url.hostname, port: Number(url.port || 5432) };
    // Unreachable at the start (nothing listens on the port at first): it starts, answering 503.
    const port = await freePort();
    url.hostname = '127.0.0.1';
    url.port = String(port);
    const server = await serve('pg-later-refused', { DATABASE_URL: url.toString() }, { path: UP.path, status: 503 });
    const exited = new Promise<number | null>((resolve) => server.child.once('exit', (code) => resolve(code)));
    const proxy = await forward(port, target.host, target.port);
    cleanups.push(() => proxy.close());
    // The first request that reaches the database migrates it, which this role may not.
    const answer = await send(server.baseUrl, UP.path).catch((error: unknown) => error);
    expect(answer, 'no 500 for the request that found the migration failing').not.toMatchObject({ status: 500 });
    expect(await exited).toBe(1);
    const { text } = logOf('pg-later-refused');
    expect(text).toContain(`Could not migrate PostgreSQL ${url.protocol}//${role}:***@${url.host}${url.pathname}: permission denied for schema public.`);
    expect(text).not.toContain('reader-password');
  });
});

/** A TCP forwarder from 127.0.0.1:`port` to `host`:`targetPort`: the database "comes up" when it starts. */
async function forward(port: number, host: string, targetPort: number): Promise<{ close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => (socket === client ? upstream : client).destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
