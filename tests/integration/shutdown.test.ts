/**
 * Graceful shutdown (server/shutdown.ts). On SIGTERM the production server fails readiness at once,
 * accepts no new connection, lets the requests under way finish with their 2xx — one still
 * uploading its body, and on PostgreSQL one held inside its transaction by a row lock this test
 * holds — stops its background work, closes the database and exits 0; what it acknowledged is
 * there afterwards. A request that outlives FOLIO_SHUTDOWN_GRACE_MS is cut and the process exits 1
 * when the grace is over. The drain time is printed.
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { getLiveness, getReadiness } from '../../contracts/health/operations.ts';
import { NotReady } from '../../contracts/health/schemas.ts';
import { createPost } from '../../contracts/posts/operations.ts';
import { openPGlite } from '../../server/db/embedded.ts';
import { send } from '../support/contract-assertions.ts';
import { databaseKinds, startFolio, type RunningFolio } from '../support/folio-server.ts';
import { holdRequest, requestText } from '../support/held-request.ts';
import { signUp, type Account } from '../support/identity.ts';

function exitOf(server: RunningFolio): Promise<{ code: number | null; at: number }> {
  return new Promise((resolve) => server.child.once('exit', (code) => resolve({ code, at: performance.now() })));
}

/** A create whose body is all sent but its last bytes, until `finish()`. */
function slowCreate(server: RunningFolio, account: Account, title: string) {
  const text = requestText('POST', createPost.path, { ...account.auth, 'Content-Type': 'application/json' }, JSON.stringify({ title, tags: ['shutdown'] }));
  return holdRequest(server.baseUrl, text.slice(0, -5), text.slice(-5));
}

/** A GET whose header section lacks its final empty line, until `finish()`. */
const slowGet = (server: RunningFolio, path: string) => holdRequest(server.baseUrl, requestText('GET', path, {}).slice(0, -2), '\r\n');

/** The titles of the posts tagged `shutdown`, read from the database the stopped server used. */
async function titlesIn(server: RunningFolio): Promise<string[]> {
  const query = `select title from posts where 'shutdown' = any(tags) order by title`;
  if (server.pgliteDir) {
    const pglite = await openPGlite(server.pgliteDir);
    try {
      return (await pglite.query<{ title: string }>(query)).rows.map((row) => row.title);
    } finally {
      await pglite.close();
    }
  }
  const client = new pg.Client({ connectionString: server.databaseUrl });
  await client.connect();
  try {
    return (await client.query<{ title: string }>(query)).rows.map((row) => row.title);
  } finally {
    await client.end();
  }
}

/** Holds a lock on the account's row, so that creating a post (whose author must exist) waits inside its transaction. */
async function lockAuthor(server: RunningFolio, account: Account) {
  const client = new pg.Client({ connectionString: server.databaseUrl });
  client.on('error', () => {}); // ended by the database's drop if the test fails first
  await client.connect();
  await client.query('begin');
  await client.query('select 1 from users where id = $1 for update', [account.user.id]);
  // Watched from a connection of its own, each look its own transaction: inside the lock's,
  // PostgreSQL would show pg_stat_activity as it was at the first look, for the whole transaction.
  const watcher = new pg.Client({ connectionString: server.databaseUrl });
  watcher.on('error', () => {});
  await watcher.connect();
  return {
    async untilSomeoneWaits() {
      for (const deadline = Date.now() + 20_000; Date.now() < deadline; await sleep(20)) {
        const { rows } = await watcher.query<{ n: number }>(`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()`);
        if (rows[0]!.n > 0) return;
      }
      const { rows } = await watcher.query(`select state, wait_event_type, wait_event, query from pg_stat_activity where datname = current_database()`);
      throw new Error(`nothing waits on the lock: ${JSON.stringify(rows)}`);
    },
    async release() {
      await client.query('rollback');
      await client.end();
      await watcher.end();
    },
  };
}

const logLines = (server: RunningFolio) =>
  readFileSync(server.logFile, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe.each(databaseKinds())('graceful shutdown on %s', (kind) => {
  it('SIGTERM: readiness fails at once, no new connection, the requests under way finish with their 2xx, exit 0, nothing lost', { timeout: 120_000 }, async () => {
    const server = await startFolio(kind);
    try {
      const account = await signUp(server.baseUrl);
      // The route is loaded and a create has run before the test times anything on it.
      const warmUp = await send(server.baseUrl, createPost.path, { method: 'POST', headers: account.auth, json: { title: 'Warm-up' } });
      expect(warmUp.status, warmUp.text).toBe(201);
      const uploading = await slowCreate(server, account, 'Uploading as it stops');
      const readiness = await slowGet(server, getReadiness.path);
      const liveness = await slowGet(server, getLiveness.path);
      const lock = kind === 'postgres' ? await lockAuthor(server, account) : undefined;
      const locked = lock
        ? send(server.baseUrl, createPost.path, { method: 'POST', headers: account.auth, json: { title: 'Held in its transaction', tags: ['shutdown'] } })
        : undefined;
      await lock?.untilSomeoneWaits();
      await sleep(200);

      const exited = exitOf(server);
      const signalled = performance.now();
      server.child.kill('SIGTERM');

      // No new connection: refused within moments.
      let refusedAfter: number | undefined;
      for (const deadline = signalled + 2000; refusedAfter === undefined && performance.now() < deadline; await sleep(10)) {
        await fetch(`${server.baseUrl}${getLiveness.path}`).then(
          (res) => res.arrayBuffer(),
          () => (refusedAfter = performance.now() - signalled),
        );
      }
      expect(refusedAfter, 'new connections are refused').toBeDefined();

      // Requests already under way are answered: readiness fails, liveness passes.
      readiness.finish();
      liveness.finish();
      const ready = await readiness.response;
      expect(ready?.status, ready?.body).toBe(503);
      expect(ready?.headers['content-type']).toBe('application/health+json');
      const notReady = NotReady.parse(JSON.parse(ready!.body));
      expect(notReady.checks['server:lifecycle']![0]).toMatchObject({ status: 'fail', observedValue: 'stopping' });
      expect((await liveness.response)?.status).toBe(200);

      // The slow writes finish with their 201, the database still open under them (on PostgreSQL
      // both wait for the lock: each inserts a post by the locked author).
      await sleep(300);
      uploading.finish();
      await sleep(200);
      await lock?.release();
      const uploaded = await uploading.response;
      expect(uploaded?.status, uploaded?.body).toBe(201);
      expect(uploaded?.headers.connection).toBe('close');
      if (locked) expect((await locked).status).toBe(201);

      const { code, at } = await exited;
      expect(code).toBe(0);
      const drainMs = Math.round(at - signalled);
      const stopped = logLines(server).find((line) => line.msg?.toString().startsWith('stopped'));
      expect(stopped, 'the log says it stopped cleanly').toMatchObject({ background: ['idempotency-sweep', 'event-sweep', 'media-sweep', 'webhook-worker'], drain_ms: expect.any(Number) });
      expect(await titlesIn(server)).toEqual(lock ? ['Held in its transaction', 'Uploading as it stops'] : ['Uploading as it stops']);
      console.log(
        `Shutdown on ${kind}: new connections refused after ${Math.round(refusedAfter!)} ms; ` +
          `requests under way finished ${stopped!.requests_ms} ms after SIGTERM (held open on purpose by the test); ` +
          `background work drained and database closed, exit 0 after ${drainMs} ms (server's own count: ${stopped!.drain_ms} ms).`,
      );
    } finally {
      await server.stop();
    }
  });

  it('a request that outlives FOLIO_SHUTDOWN_GRACE_MS is cut, and the process exits 1 when the grace is over (SIGINT alike)', { timeout: 60_000 }, async () => {
    const server = await startFolio(kind, { FOLIO_SHUTDOWN_GRACE_MS: '1500' });
    try {
      const account = await signUp(server.baseUrl);
      const stalled = await slowCreate(server, account, 'Never finished');
      await sleep(200);
      const exited = exitOf(server);
      const signalled = performance.now();
      server.child.kill('SIGINT');
      const { code, at } = await exited;
      expect(code).toBe(1);
      expect(at - signalled).toBeGreaterThanOrEqual(1400);
      expect(at - signalled).toBeLessThan(5000);
      expect(await stalled.response, 'cut without an answer').toBeUndefined();
      expect(logLines(server).some((line) => String(line.msg).startsWith('grace period over'))).toBe(true);
    } finally {
      await server.stop();
    }
  });
});
