import { describe, expect, it } from 'vitest';
import { AppError } from '../../server/errors.ts';
import { idempotent } from '../../server/http/idempotency.ts';

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
    const duplicate = await idempotent('user:a', 'k-inflight', 'print', async () => new Response('second'), 0).catch((e: unknown) => e);
    expect((duplicate as AppError).code).toBe('idempotency_in_flight');
    first.release();
    expect((await running).status).toBe(201);
  });

  it('makes a duplicate wait for the first and replay its response', async () => {
    const first = deferredResponse();
    const running = idempotent('user:a', 'k-wait', 'print', first.execute);
    await new Promise((r) => setTimeout(r, 100));
    let executedTwice = false;
    const duplicate = idempotent('user:a', 'k-wait', 'print', async () => ((executedTwice = true), new Response('second')), 5000);
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
