import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { operations } from '../../contracts/index.ts';
import type { OperationSpec } from '../../contracts/operation.ts';
import { createPost } from '../../contracts/posts/operations.ts';
import type { PostResource } from '../../contracts/posts/schemas.ts';
import { createScratchDatabase } from '../../scripts/lib/database.ts';
import { spawnFolio, type FolioProcess } from '../../scripts/lib/folio-process.ts';
import { LEASE_SECONDS } from '../../server/http/idempotency.ts';
import { expectConforms, problemCode, send } from '../support/contract-assertions.ts';
import { ownedPath } from '../support/fixtures.ts';
import { postgresBaseUrl, TEST_SERVER_ENV } from '../support/folio-server.ts';
import { signUp, type Account } from '../support/identity.ts';

const servers = inject('servers');
const idempotentOps = (operations as readonly OperationSpec[]).filter((op) => op.idempotent);

async function countByTag(baseUrl: string, account: Account, tag: string, status: 'draft' | 'published'): Promise<number> {
  const res = await send(baseUrl, `/api/v1/posts?tag=${tag}&status=${status}&limit=100`, { headers: account.auth });
  return (res.body as { data: unknown[] }).data.length;
}

describe.each(servers)('Idempotency-Key on $kind', ({ baseUrl }) => {
  let account: Account;
  beforeAll(async () => {
    account = await signUp(baseUrl);
  });
  const post = (key: string, body: unknown, as: Account = account) =>
    send(baseUrl, createPost.path, { method: 'POST', json: body, headers: { ...as.auth, 'Idempotency-Key': key } });

  it('50 concurrent POSTs with one key create one post, and every response is the same', async () => {
    const tag = `idem-${randomUUID().slice(0, 8)}`;
    const key = randomUUID();
    const results = await Promise.all(Array.from({ length: 50 }, () => post(key, { title: 'Once', tags: [tag] })));
    for (const res of results) expectConforms(createPost, res);
    expect(new Set(results.map((r) => r.status))).toEqual(new Set([201]));
    expect(new Set(results.map((r) => r.text)).size).toBe(1);
    expect(new Set(results.map((r) => r.headers.get('location'))).size).toBe(1);
    expect(results.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(49);
    expect(await countByTag(baseUrl, account, tag, 'draft')).toBe(1);
  });

  it('replays a retry, refuses the key with another payload (422), and scopes keys to the caller', async () => {
    const key = randomUUID();
    const first = await post(key, { title: 'First' });
    const retry = await post(key, { title: 'First' });
    expect(retry.status).toBe(201);
    expect(retry.text).toBe(first.text);
    const other = await post(key, { title: 'Different' });
    expectConforms(createPost, other);
    expect(other.status).toBe(422);
    expect(problemCode(other)).toBe('idempotency_key_reused');
    const someoneElse = await post(key, { title: 'Different' }, await signUp(baseUrl));
    expect(someoneElse.status, 'another caller’s key is another key').toBe(201);
    expect((someoneElse.body as PostResource).id).not.toBe((first.body as PostResource).id);
  });

  it('validates the key like any other input', async () => {
    for (const key of ['', 'has space', 'x'.repeat(256)]) {
      const res = await post(key, { title: 'Bad key' });
      expectConforms(createPost, res);
      expect(res.status, JSON.stringify(key)).toBe(400);
    }
  });
});

/** Runs one statement on a PostgreSQL database with its own connection. */
async function query<Row>(url: string, text: string, values: unknown[] = []): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as Row[];
  } finally {
    await client.end();
  }
}

// A key whose request died with its process is left 'running'; the rows are arranged so in the
// server's database. (On PGlite the server holds the database alone: tests/unit/idempotency.test.ts
// covers the same on it, in process.)
describe.each(servers.filter((s) => s.databaseUrl))('Idempotency-Key whose first request died, on $kind', ({ baseUrl, databaseUrl }) => {
  let account: Account;
  beforeAll(async () => {
    account = await signUp(baseUrl);
  });
  const post = (key: string, body: unknown) =>
    send(baseUrl, createPost.path, { method: 'POST', json: body, headers: { ...account.auth, 'Idempotency-Key': key } });
  /** Turns the stored response of `key` back into a claim by a process that is gone, its lease ending in `seconds`. */
  const abandon = (key: string, seconds: number) =>
    query(
      databaseUrl!,
      `update idempotency_keys set state = 'running', status = null, headers = null, body = null,
              locked_by = 'a-dead-process', locked_until = now() + make_interval(secs => $2)
        where key = $1`,
      [key, seconds],
    );

  /** The retry runs the create (201, not a replay), the next one replays it, and one post has the tag. */
  const expectRunOnceThenReplayed = async (key: string, body: { title: string; tags: string[] }) => {
    const retry = await post(key, body);
    expectConforms(createPost, retry);
    expect(retry.status, retry.text).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
    const again = await post(key, body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.text).toBe(retry.text);
    expect(await countByTag(baseUrl, account, body.tags[0]!, 'draft')).toBe(1);
  };

  it('is taken over by a retry once its lease has lapsed: 201, run once more, then replayed', async () => {
    const tag = `lapsed-${randomUUID().slice(0, 8)}`;
    const key = randomUUID();
    const first = await post(key, { title: 'Lapsed', tags: [tag] });
    expect(first.status, first.text).toBe(201);
    // As if the process had died before committing: no post, a running key.
    expect((await send(baseUrl, `/api/v1/posts/${(first.body as PostResource).id}`, { method: 'DELETE', headers: account.auth })).status).toBe(204);
    await abandon(key, -1);

    await expectRunOnceThenReplayed(key, { title: 'Lapsed', tags: [tag] });
  });

  it('commits a create and the record of its response together: a database failure between them leaves neither', async () => {
    const tag = `record-${randomUUID().slice(0, 8)}`;
    const key = `fail-record-${randomUUID()}`;
    // Storing this key's response fails as a database going away would (cannot_connect_now), after the post's insert ran.
    await query(
      databaseUrl!,
      `create or replace function folio_test_fail_record() returns trigger language plpgsql as $$
       begin
         if new.key like 'fail-record-%' and new.state = 'done' then raise exception 'gone' using errcode = '57P03'; end if;
         return new;
       end $$`,
    );
    await query(databaseUrl!, 'create trigger folio_test_fail_record before update on idempotency_keys for each row execute function folio_test_fail_record()');
    try {
      const failed = await post(key, { title: 'Recorded', tags: [tag] });
      expectConforms(createPost, failed);
      expect(failed.status, failed.text).toBe(503);
      expect(await countByTag(baseUrl, account, tag, 'draft'), 'a post whose response was not recorded').toBe(0);
    } finally {
      await query(databaseUrl!, 'drop trigger folio_test_fail_record on idempotency_keys');
    }
    await expectRunOnceThenReplayed(key, { title: 'Recorded', tags: [tag] });
  });

  // Every operation that takes an Idempotency-Key, each with its example body where its path says.
  it.each(idempotentOps.map((op) => [op.operationId, op] as const))('%s: still answers 409 after the wait while its lease is live', async (_, op) => {
    const path = await ownedPath(op, baseUrl, account);
    const key = randomUUID();
    const make = () => send(baseUrl, path, { method: 'POST', json: op.request!.body!.example, headers: { ...account.auth, 'Idempotency-Key': key } });
    const first = await make();
    expect(first.status, first.text).toBe(201);
    await abandon(key, 60);
    const retry = await make();
    expectConforms(op, retry);
    expect(retry.status, retry.text).toBe(409);
    expect(problemCode(retry)).toBe('idempotency_in_flight');
  });
});

// End to end: the server is killed with SIGKILL while a create with an Idempotency-Key is in
// flight, a new server starts on the same database, and the client's retry creates the post once.
// PostgreSQL only: holding the create mid-flight takes a lock from outside the server.
describe.each(servers.filter((s) => s.databaseUrl).slice(0, 1))('a server killed during an Idempotency-Key request, on $kind', () => {
  it('leaves the key to the retry within the lease, which creates the post once; old keys are swept at start', { timeout: 120_000 }, async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'folio-idem-crash-'));
    const database = await createScratchDatabase(postgresBaseUrl()!, 'folio_test', { migrate: true });
    const started: FolioProcess[] = [];
    const serve = async (name: string, env: Record<string, string> = {}) => {
      const server = await spawnFolio({
        logFile: join(scratch, `${name}.log`),
        env: { ...TEST_SERVER_ENV, DATABASE_URL: database.url, ...env },
        ready: { path: '/api/v1/users/nobody', status: 404 },
      });
      started.push(server);
      return server;
    };
    const blocker = new pg.Client({ connectionString: database.url });
    try {
      const doomed = await serve('killed');
      const account = await signUp(doomed.baseUrl);
      const tag = `crash-${randomUUID().slice(0, 8)}`;
      const key = randomUUID();
      const create = (baseUrl: string) =>
        send(baseUrl, createPost.path, { method: 'POST', json: { title: 'Survives a crash', tags: [tag] }, headers: { ...account.auth, 'Idempotency-Key': key } });

      // Hold the posts table, so the create waits mid-flight after it has claimed the key.
      await blocker.connect();
      await blocker.query('begin');
      await blocker.query('lock table posts in exclusive mode');
      const inFlight = create(doomed.baseUrl).catch((error: unknown) => error);
      const waiting = async () =>
        (await blocker.query(`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`)).rows[0].n > 0;
      for (let tries = 0; !(await waiting()); tries++) {
        expect(tries, 'the create never reached the locked table').toBeLessThan(200);
        await new Promise((r) => setTimeout(r, 50));
      }
      expect((await blocker.query(`select state from idempotency_keys where key = $1`, [key])).rows).toEqual([{ state: 'running' }]);

      const exited = new Promise((resolve) => doomed.child.once('exit', resolve));
      doomed.child.kill('SIGKILL');
      await exited;
      expect(await inFlight).toBeInstanceOf(Error);
      // PostgreSQL ends a dead client's session when it next hears from it; end them now, then let go.
      await blocker.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`);
      await blocker.query('rollback');
      // A key from two days ago, for the sweep the next server runs as it starts.
      await blocker.query(
        `insert into idempotency_keys (scope, key, fingerprint, state, status, headers, body, created_at)
         values ('user:old', 'old-key', 'x', 'done', 201, '{}', '{}', now() - interval '2 days')`,
      );

      const diedAt = Date.now();
      // The retry may wait out the dead request's lease.
      const next = await serve('restarted', { FOLIO_IDEMPOTENCY_WAIT_MS: String((LEASE_SECONDS + 10) * 1000) });
      const retry = await create(next.baseUrl);
      expectConforms(createPost, retry);
      expect(retry.status, retry.text).toBe(201);
      expect(retry.headers.get('idempotent-replayed')).toBeNull();
      expect(Date.now() - diedAt, 'released within the lease').toBeLessThan((LEASE_SECONDS + 10) * 1000);
      const replayed = await create(next.baseUrl);
      expect(replayed.headers.get('idempotent-replayed')).toBe('true');
      expect(replayed.text).toBe(retry.text);
      expect(await countByTag(next.baseUrl, account, tag, 'draft')).toBe(1);

      expect((await blocker.query(`select count(*)::int as n from idempotency_keys where key = 'old-key'`)).rows[0].n).toBe(0);
    } finally {
      await blocker.end().catch(() => undefined);
      for (const server of started) await server.stop();
      await database.drop();
      if (!process.env.FOLIO_KEEP_TEST_FILES) rmSync(scratch, { recursive: true, force: true });
    }
  });
});

