import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { db } from '../../server/db/index.ts';
import { AppError } from '../../server/errors.ts';
import { idempotent, LEASE_SECONDS, sweepIdempotencyKeys } from '../../server/http/idempotency.ts';

/** A response the test releases when it wants: the first request "still running". */
function deferredResponse() {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const execute = async () => {
    await gate;
    return new Response('{"id":"post_1"}', { status: 201, headers: { 'Content-Type': 'application/json', Location: '/p/1' } });
  };
  return { execute, release };
}

describe('idempotent', () => {
  it('answers a duplicate that arrives while the first is running with 409 when it may not wait', async () => {
    const first = deferredResponse();
    const running = idempotent('user:a', 'k-inflight', 'print', first.execute);
    await new Promise((r) => setTimeout(r, 100));
    const duplicate = await idempotent('user:a', 'k-inflight', 'print', async () => new Response('second'), { waitMs: 0 }).catch((e: unknown) => e);
    expect((duplicate as AppError).code).toBe('idempotency_in_flight');
    first.release();
    expect((await running).status).toBe(201);
  });

  it('makes a duplicate wait for the first and replay its response', async () => {
    const first = deferredResponse();
    const running = idempotent('user:a', 'k-wait', 'print', first.execute);
    await new Promise((r) => setTimeout(r, 100));
    let executedTwice = false;
    const duplicate = idempotent('user:a', 'k-wait', 'print', async () => ((executedTwice = true), new Response('second')), { waitMs: 5000 });
    setTimeout(first.release, 200);
    const [original, replay] = await Promise.all([running, duplicate]);
    expect(executedTwice).toBe(false);
    expect(replay.status).toBe(201);
    expect(await replay.text()).toBe(await original.text());
    expect(replay.headers.get('location')).toBe('/p/1');
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
  });

  it('refuses the key for a different request, keeps keys per scope, and forgets server errors', async () => {
    await idempotent('user:a', 'k-reuse', 'print-1', async () => new Response('{}', { status: 201 }));
    const reused = await idempotent('user:a', 'k-reuse', 'print-2', async () => new Response('{}')).catch((e: unknown) => e);
    expect((reused as AppError).code).toBe('idempotency_key_reused');
    expect((await idempotent('user:b', 'k-reuse', 'print-2', async () => new Response('{}', { status: 201 }))).headers.get('idempotent-replayed')).toBeNull();

    await idempotent('user:a', 'k-500', 'p', async () => new Response('oops', { status: 500 }));
    const retried = await idempotent('user:a', 'k-500', 'p', async () => new Response('{}', { status: 201 }));
    expect(retried.status).toBe(201);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
  });
});

/** A key left 'running' by a request whose process died: its lease ends `leaseSeconds` from now (negative: lapsed). */
async function abandonedKey(scope: string, key: string, print: string, leaseSeconds: number) {
  await db()
    .insertInto('idempotency_keys')
    .values({
      scope,
      key,
      fingerprint: print,
      state: 'running',
      status: null,
      headers: null,
      body: null,
      created_at: new Date(),
      locked_by: 'a-dead-process',
      locked_until: sql<Date>`now() + make_interval(secs => ${leaseSeconds})`,
    })
    .execute();
}

const created = async () => new Response('{"id":"post_2"}', { status: 201, headers: { 'Content-Type': 'application/json' } });
const row = (scope: string, key: string) => db().selectFrom('idempotency_keys').selectAll().where('scope', '=', scope).where('key', '=', key).executeTakeFirst();

describe('idempotent after a crash', () => {
  it('lets a retry take over a running key whose lease has lapsed, and stores its response', async () => {
    await abandonedKey('user:c', 'k-lapsed', 'print', -1);
    let runs = 0;
    const retry = await idempotent('user:c', 'k-lapsed', 'print', async () => (runs++, created()), { waitMs: 0 });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
    expect(runs).toBe(1);
    expect(await row('user:c', 'k-lapsed')).toMatchObject({ state: 'done', status: 201, locked_by: null, locked_until: null });
    const again = await idempotent('user:c', 'k-lapsed', 'print', async () => (runs++, created()), { waitMs: 0 });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(runs).toBe(1);
  });

  it('still answers 409 after the wait while the lease is live', async () => {
    await abandonedKey('user:c', 'k-live', 'print', 60);
    let runs = 0;
    const started = Date.now();
    const retry = await idempotent('user:c', 'k-live', 'print', async () => (runs++, created()), { waitMs: 300 }).catch((e: unknown) => e);
    expect((retry as AppError).code).toBe('idempotency_in_flight');
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(runs).toBe(0);
  });

  it('takes the key over during the wait once the lease lapses', async () => {
    await abandonedKey('user:c', 'k-lapsing', 'print', 0.5);
    const retry = await idempotent('user:c', 'k-lapsing', 'print', created, { waitMs: 5000 });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
  });

  it('does not hand a lapsed key to a different request: 422', async () => {
    await abandonedKey('user:c', 'k-lapsed-other', 'print-1', -1);
    const other = await idempotent('user:c', 'k-lapsed-other', 'print-2', created, { waitMs: 0 }).catch((e: unknown) => e);
    expect((other as AppError).code).toBe('idempotency_key_reused');
  });

  it('renews the lease while the first request runs, so a slow one keeps its key', async () => {
    const first = deferredResponse();
    const running = idempotent('user:c', 'k-slow', 'print', first.execute);
    await new Promise((r) => setTimeout(r, 100));
    const claimed = (await row('user:c', 'k-slow'))!.locked_until!.getTime();
    // Renewed every quarter lease: after half a lease the lease ends later than it did.
    await new Promise((r) => setTimeout(r, (LEASE_SECONDS * 1000) / 2));
    expect((await row('user:c', 'k-slow'))!.locked_until!.getTime()).toBeGreaterThan(claimed);
    first.release();
    expect((await running).status).toBe(201);
  });

  it('sweeps keys older than 24 hours and keeps the others; an expired key is claimed afresh', async () => {
    const hoursAgo = (h: number) => new Date(Date.now() - h * 3600 * 1000);
    const stored = { fingerprint: 'print', state: 'done' as const, status: 201, headers: '{}', body: '{}', locked_by: null, locked_until: null };
    await db()
      .insertInto('idempotency_keys')
      .values([
        { scope: 'user:s', key: 'k-old', created_at: hoursAgo(25), ...stored },
        { scope: 'user:s', key: 'k-old-running', created_at: hoursAgo(30), ...stored, state: 'running' },
        { scope: 'user:s', key: 'k-young', created_at: hoursAgo(23), ...stored },
        { scope: 'user:s', key: 'k-reused', created_at: hoursAgo(25), ...stored, fingerprint: 'old-print' },
      ])
      .execute();
    const reused = await idempotent('user:s', 'k-reused', 'new-print', created, { waitMs: 0 });
    expect(reused.headers.get('idempotent-replayed'), 'a key past 24 h is a new key').toBeNull();

    expect(await sweepIdempotencyKeys()).toBeGreaterThanOrEqual(2);
    const left = await db().selectFrom('idempotency_keys').select('key').where('scope', '=', 'user:s').orderBy('key').execute();
    expect(left.map((r) => r.key)).toEqual(['k-reused', 'k-young']);
  });
});
