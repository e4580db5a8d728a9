import { sql } from 'kysely';
import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { every } from '../background.ts';
import { config } from '../config.ts';
import { db, inRequestTransaction } from '../db/index.ts';
import { AppError } from '../errors.ts';
import { log } from '../log.ts';
import { seal, unseal } from '../webhooks/secrets.ts';

/**
 * How long a claim on a key lasts unless its owner renews it — so how long at most a key whose
 * request died with its process stays "running". The owner renews it four times per lease, so
 * only an owner that is gone, or stalled for the whole lease, loses it.
 */
export const LEASE_SECONDS = 10;
const RENEW_MS = (LEASE_SECONDS * 1000) / 4;
/** How often every instance deletes keys past their 24 hours (and once at start). */
const SWEEP_EVERY_MS = 3600 * 1000;
const SWEEP_BATCH = 500;
const POLL_MS = 20;
// Headers that belong to the stored response; the rest (request id, rate limits) are per request.
const STORED_HEADERS = ['content-type', 'location', 'etag', 'link'];

// Every time is the database's clock, so that instances with drifting clocks agree on leases.
const leaseEnd = () => sql<Date>`now() + make_interval(secs => ${LEASE_SECONDS})`;
const pastTtl = () => sql<Date>`now() - interval '24 hours'`;

export function fingerprint(method: string, path: string, body: unknown): string {
  return createHash('sha256').update(`${method} ${path}\n${JSON.stringify(body ?? null)}`).digest('hex');
}

/** A stored body that was sealed (seal()'s form: JSON never starts so). */
const isSealed = (body: string) => body.startsWith('v1.');

function replay(row: { status: number | null; headers: Record<string, string> | null; body: string | null }): Response {
  const headers = new Headers(row.headers ?? {});
  headers.set('Idempotent-Replayed', 'true');
  const body = row.body !== null && isSealed(row.body) ? unseal(row.body) : row.body;
  return new Response(row.status === 204 ? null : body, { status: row.status ?? 500, headers });
}

/**
 * Claims the key for a new request and returns the claim's id: a key never seen, one past its
 * 24 hours, or one whose running request let its lease lapse (same request only: another is
 * 422). One statement, so of two retries racing for a lapsed key exactly one gets it.
 */
async function claim(scope: string, key: string, print: string): Promise<string | undefined> {
  const owner = randomUUID();
  const claimed = await db()
    .insertInto('idempotency_keys')
    .values({
      scope,
      key,
      fingerprint: print,
      state: 'running',
      status: null,
      headers: null,
      body: null,
      created_at: sql<Date>`now()`,
      locked_by: owner,
      locked_until: leaseEnd(),
    })
    .onConflict((oc) =>
      oc
        .columns(['scope', 'key'])
        .doUpdateSet((eb) => ({
          fingerprint: eb.ref('excluded.fingerprint'),
          state: 'running',
          status: null,
          headers: null,
          body: null,
          created_at: eb.ref('excluded.created_at'),
          locked_by: eb.ref('excluded.locked_by'),
          locked_until: eb.ref('excluded.locked_until'),
        }))
        .where((eb) =>
          eb.or([
            eb('idempotency_keys.created_at', '<', pastTtl()),
            eb.and([
              eb('idempotency_keys.state', '=', 'running'),
              eb('idempotency_keys.locked_until', '<', sql<Date>`now()`),
              eb('idempotency_keys.fingerprint', '=', eb.ref('excluded.fingerprint')),
            ]),
          ]),
        ),
    )
    .returning('locked_by')
    .executeTakeFirst();
  return claimed?.locked_by ?? undefined;
}

/**
 * Runs the request as the key's owner, renewing the lease meanwhile, and stores its response in
 * the transaction the handler's writes are made in (server/db/index.ts inRequestTransaction; on
 * PostgreSQL): they commit together or not at all. So whatever fails — the database between the
 * write and the record, the process, a lease lost to a retry — a retry either replays the response
 * or runs the request anew, and never finds its effects without a record of them. A client error
 * (4xx) changed nothing (a service rolls its own writes back when it fails): the response is stored
 * alone, to be replayed.
 */
async function runAsOwner(scope: string, key: string, owner: string, execute: () => Promise<Response>, sealed: boolean): Promise<Response> {
  const mine = (conn = db()) => conn.updateTable('idempotency_keys').where('scope', '=', scope).where('key', '=', key).where('locked_by', '=', owner);
  const release = () => db().deleteFrom('idempotency_keys').where('scope', '=', scope).where('key', '=', key).where('locked_by', '=', owner).execute();
  const record = async (response: Response) => {
    const headers = Object.fromEntries(STORED_HEADERS.flatMap((name) => (response.headers.has(name) ? [[name, response.headers.get(name)!]] : [])));
    const body = await response.clone().text();
    return { state: 'done' as const, status: response.status, headers: JSON.stringify(headers), body: sealed && body ? seal(body) : body, locked_by: null, locked_until: null };
  };
  const renewal = setInterval(() => {
    mine()
      .set({ locked_until: leaseEnd() })
      .execute()
      .catch((error: unknown) => log.warn({ err: error, scope }, 'could not renew an idempotency lease'));
  }, RENEW_MS);
  renewal.unref();
  try {
    let response: Response;
    let stored = false;
    let atomic = false; // the writes and the record in one transaction (PostgreSQL)
    try {
      response = await inRequestTransaction(async (conn) => {
        atomic = conn.isTransaction;
        const answer = await execute();
        // No rows updated: the lease lapsed and a retry holds the key — its run is the one that counts.
        if (answer.status < 400) stored = (await mine(conn).set(await record(answer)).executeTakeFirst()).numUpdatedRows > 0n;
        return { result: answer, commit: stored };
      });
    } catch (error) {
      await release();
      throw error;
    }
    if (stored) return response;
    if (response.status < 400) {
      if (!atomic) {
        log.warn({ scope }, 'an idempotency lease lapsed before its response was stored; a retry may have run the request again');
        return response;
      }
      log.warn({ scope }, 'an idempotency lease lapsed before the response was stored; its writes were rolled back for the retry that holds the key');
      throw new AppError('idempotency_in_flight', 'A retry with this Idempotency-Key took it over; retry shortly for its response.');
    }
    // Server errors are not stored, so they can be retried.
    if (response.status >= 500) {
      await release();
      return response;
    }
    const { numUpdatedRows } = await mine().set(await record(response)).executeTakeFirst();
    if (numUpdatedRows === 0n) log.warn({ scope }, 'an idempotency lease lapsed before a client error was stored');
    return response;
  } finally {
    clearInterval(renewal);
  }
}

/**
 * Runs `execute` at most once per (scope, key) within 24 hours. The first request claims the key
 * in the database (so every instance sees it) and stores its response; a retry with the same
 * request replays that response, one with a different request is 422. A retry that arrives while
 * the first is still running waits for it up to FOLIO_IDEMPOTENCY_WAIT_MS, then gets 409 — unless
 * the first one's lease lapses meanwhile (its process died): then the retry takes the key over
 * and runs. Server errors are not stored, so they can be retried.
 */
export async function idempotent(
  scope: string,
  key: string,
  print: string,
  execute: () => Promise<Response>,
  {
    waitMs = config.idempotencyWaitMs,
    sealed = false,
  }: {
    waitMs?: number;
    /** The response shows a secret (contracts/operation.ts `idempotent: 'sealed'`): stored sealed, as the secret itself is. */
    sealed?: boolean;
  } = {},
): Promise<Response> {
  const deadline = Date.now() + waitMs;
  for (let mayClaim = true; ; ) {
    const owner = mayClaim ? await claim(scope, key, print) : undefined;
    if (owner) return runAsOwner(scope, key, owner, execute, sealed);
    const row = await db()
      .selectFrom('idempotency_keys')
      .select(['fingerprint', 'state', 'status', 'headers', 'body'])
      .select([sql<boolean>`created_at < ${pastTtl()}`.as('expired'), sql<boolean>`state = 'running' and locked_until < now()`.as('lapsed')])
      .where('scope', '=', scope)
      .where('key', '=', key)
      .executeTakeFirst();
    // Gone (the first request failed and released it), past its 24 hours, or abandoned: claim it.
    mayClaim = !row || row.expired || (row.lapsed && row.fingerprint === print);
    if (row && !mayClaim) {
      if (row.fingerprint !== print) {
        throw new AppError('idempotency_key_reused', 'This Idempotency-Key was used for a different request; use a new key.');
      }
      if (row.state === 'done') return replay(row);
      if (Date.now() >= deadline) {
        throw new AppError('idempotency_in_flight', 'The first request with this Idempotency-Key is still running; retry shortly.');
      }
    }
    await sleep(POLL_MS);
  }
}

/** Deletes the keys past their 24 hours (they hold whole responses), in short batches; returns how many. */
export async function sweepIdempotencyKeys(): Promise<number> {
  let deleted = 0;
  for (;;) {
    const result = await db()
      .deleteFrom('idempotency_keys')
      .where(({ eb, refTuple, selectFrom }) =>
        eb(refTuple('scope', 'key'), 'in', selectFrom('idempotency_keys').select(['scope', 'key']).where('created_at', '<', pastTtl()).limit(SWEEP_BATCH).$asTuple('scope', 'key')),
      )
      .executeTakeFirst();
    deleted += Number(result.numDeletedRows);
    if (result.numDeletedRows < BigInt(SWEEP_BATCH)) return deleted;
  }
}

/**
 * Sweeps now and every SWEEP_EVERY_MS until the process stops (each instance; sweeps of two
 * instances may overlap harmlessly). Shutdown waits for a sweep under way (server/background.ts).
 */
export function scheduleIdempotencySweep(): void {
  every('idempotency-sweep', SWEEP_EVERY_MS, async () => {
    try {
      const deleted = await sweepIdempotencyKeys();
      if (deleted > 0) log.info({ deleted }, 'expired idempotency keys swept');
    } catch (error) {
      log.warn({ err: error }, 'sweeping idempotency keys failed');
    }
  });
}

/**
 * The sweep's backlog, for readiness: how many seconds the oldest key past its 24 hours has waited
 * to be deleted (0 when none waits). Traffic makes it no larger: a sweep that runs keeps it under
 * its interval, so a larger one means the sweep is failing or not running.
 */
export async function idempotencyBacklogSeconds(): Promise<number> {
  const row = await db()
    .selectFrom('idempotency_keys')
    .select(sql<number | null>`extract(epoch from ${pastTtl()} - min(created_at))::float8`.as('overdue'))
    .where('created_at', '<', pastTtl())
    .executeTakeFirst();
  return Math.max(0, Math.round(row?.overdue ?? 0));
}

/** The backlog above which readiness warns: two sweeps missed. */
export const IDEMPOTENCY_BACKLOG_WARN_SECONDS = (2 * SWEEP_EVERY_MS) / 1000;
