import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, sql } from 'kysely';
import { createServer } from 'node:net';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { isTransientDatabaseError } from '../../server/db/errors.ts';
import { freePort } from '../../scripts/lib/folio-process.ts';

/** The error a query gets, as the driver throws it. */
async function errorOf(query: Promise<unknown>): Promise<unknown> {
  return query.then(
    () => expect.fail('the query should have failed'),
    (error: unknown) => error,
  );
}

// What the binding answers 503 (rather than 500) is decided from the errors the drivers really throw.
describe('isTransientDatabaseError', () => {
  it('knows the embedded database closing or closed under a request (shutdown)', async () => {
    const pglite = await PGlite.create('memory://');
    const db = new Kysely({ dialect: new PGliteDialect({ pglite }) });
    const closing = errorOf(sql`select pg_sleep(0.2)`.execute(db));
    await pglite.close();
    const closed = await errorOf(sql`select 1`.execute(db));
    expect((closed as Error).message).toBe('PGlite is closed');
    expect(isTransientDatabaseError(closed)).toBe(true);
    expect(isTransientDatabaseError(await closing)).toBe(true);
  });

  it('knows a database this process has closed as it stops (Kysely destroyed, pool ended)', async () => {
    const embedded = new Kysely({ dialect: new PGliteDialect({ pglite: await PGlite.create('memory://') }) });
    await sql`select 1`.execute(embedded);
    await embedded.destroy();
    expect(isTransientDatabaseError(await errorOf(sql`select 1`.execute(embedded)))).toBe(true);
    const pool = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/none' });
    await pool.end();
    expect(isTransientDatabaseError(await errorOf(pool.query('select 1')))).toBe(true);
  });

  it('knows a connection that died mid-transaction — also as the ROLLBACK on it reports it, in place of the error that killed it', async () => {
    // A "server" that lets the client in (AuthenticationOk, ReadyForQuery) and hangs up on its first query.
    const server = createServer((socket) => {
      socket.once('data', () => {
        socket.write(Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 0, 0x5a, 0, 0, 0, 5, 0x49]));
        socket.once('data', () => socket.destroy());
      });
    });
    const port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/none` });
    client.on('error', () => {});
    try {
      await client.connect();
      expect(isTransientDatabaseError(await errorOf(client.query('insert into posts default values')))).toBe(true);
      const rollback = await errorOf(client.query('rollback'));
      expect((rollback as Error).message).toBe('Client has encountered a connection error and is not queryable');
      expect(isTransientDatabaseError(rollback)).toBe(true);
    } finally {
      server.close();
    }
  });

  it('knows a PostgreSQL nothing listens at', async () => {
    const pool = new pg.Pool({ connectionString: `postgres://postgres@127.0.0.1:${await freePort()}/none`, connectionTimeoutMillis: 2000 });
    try {
      expect(isTransientDatabaseError(await errorOf(pool.query('select 1')))).toBe(true);
    } finally {
      await pool.end();
    }
  });

  it('leaves the errors that are bugs to be bugs', async () => {
    const pglite = await PGlite.create('memory://');
    try {
      expect(isTransientDatabaseError(await errorOf(pglite.query('select * from no_such_table')))).toBe(false);
      expect(isTransientDatabaseError(new Error('PGlite is closed, or so it says'))).toBe(false);
    } finally {
      await pglite.close();
    }
  });
});
