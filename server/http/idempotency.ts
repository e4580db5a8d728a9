import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { config } from '../config.ts';
import { db } from '../db/index.ts';
import { AppError } from '../errors.ts';

const TTL_MS = 24 * 3600 * 1000;
const POLL_MS = 20;
// Headers that belong to the stored response; the rest (request id, rate limits) are per request.
const STORED_HEADERS = ['content-type', 'location', 'etag', 'link'];

export function fingerprint(method: string, path: string, body: unknown): string {
  return createHash('sha256').update(`${method} ${path}\n${JSON.stringify(body ?? null)}`).digest('hex');
}

function replay(row: { status: number | null; headers: Record<string, string> | null; body: string | null }): Response {
  const headers = new Headers(row.headers ?? {});
  headers.set('Idempotent-Replayed', 'true');
  return new Response(row.status === 204 ? null : row.body, { status: row.status ?? 500, headers });
}

/**
 * Runs `execute` at most once per (scope, key) within 24 hours. The first request claims the key
 * in the database (so every instance sees it) and stores its response; a retry with the same
 * request replays that response, one with a different request is 422. A retry that arrives while
 * the first is still running waits for it up to FOLIO_IDEMPOTENCY_WAIT_MS, then gets 409.
 * Server errors are not stored, so they can be retried.
 */
export async function idempotent(
  scope: string,
  key: string,
  print: string,
  execute: () => Promise<Response>,
  waitMs = config.idempotencyWaitMs,
): Promise<Response> {
  const now = new Date();
  await db().deleteFrom('idempotency_keys').where('scope', '=', scope).where('key', '=', key).where('created_at', '<', new Date(now.getTime() - TTL_MS)).execute();
  const claimed = await db()
    .insertInto('idempotency_keys')
    .values({ scope, key, fingerprint: print, state: 'running', status: null, headers: null, body: null, created_at: now })
    .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
    .returning('key')
    .executeTakeFirst();

  if (claimed) {
    let response: Response;
    try {
      response = await execute();
    } catch (error) {
      await db().deleteFrom('idempotency_keys').where('scope', '=', scope).where('key', '=', key).execute();
      throw error;
    }
    if (response.status >= 500) {
      await db().deleteFrom('idempotency_keys').where('scope', '=', scope).where('key', '=', key).execute();
      return response;
    }
    const headers = Object.fromEntries(STORED_HEADERS.flatMap((name) => (response.headers.has(name) ? [[name, response.headers.get(name)!]] : [])));
    await db()
      .updateTable('idempotency_keys')
      .set({ state: 'done', status: response.status, headers: JSON.stringify(headers), body: await response.clone().text() })
      .where('scope', '=', scope)
      .where('key', '=', key)
      .execute();
    return response;
  }

  const deadline = Date.now() + waitMs;
  for (;;) {
    const row = await db().selectFrom('idempotency_keys').selectAll().where('scope', '=', scope).where('key', '=', key).executeTakeFirst();
    if (row && row.fingerprint !== print) {
      throw new AppError('idempotency_key_reused', 'This Idempotency-Key was used for a different request; use a new key.');
    }
    if (row?.state === 'done') return replay(row);
    // The first request failed and released the key: this one may claim it.
    if (!row) return idempotent(scope, key, print, execute, waitMs);
    if (Date.now() >= deadline) {
      throw new AppError('idempotency_in_flight', 'The first request with this Idempotency-Key is still running; retry shortly.');
    }
    await sleep(POLL_MS);
  }
}
