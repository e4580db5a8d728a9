/**
 * The delivery queue: pg-boss, in the same database (its own `pgboss` schema). One job is one
 * attempt of one delivery; pg-boss hands each to exactly one worker at a time (SKIP LOCKED), gives
 * it back if the worker dies (the job expires, then is retried), and wakes workers by LISTEN/NOTIFY.
 * On PostgreSQL pg-boss keeps a small pool of its own; on the embedded database it shares the one
 * PGlite connection (PGlite queues each query behind any open transaction). Jobs are created in
 * the caller's transaction (`fromKysely(trx)`), so an attempt is scheduled if and only if the
 * change that calls for it commits.
 */
import type { Kysely } from 'kysely';
import { fromKysely, fromPglite, PgBoss } from 'pg-boss';
import { config } from '../config.ts';
import { embeddedDatabase } from '../db/index.ts';
import type { Database } from '../db/schema.ts';
import { log } from '../log.ts';

export const QUEUE = 'webhook-attempt';

export interface AttemptJob {
  delivery_id: string;
}

/**
 * A job active this long is taken to be lost with its worker and is given to another: well past
 * the longest an attempt can take (the timeout), so a slow attempt is never sent twice at once.
 */
export const expireInSeconds = () => Math.ceil(config.webhookTimeoutMs / 1000) * 2 + 10;

/**
 * pg-boss finds expired jobs when it supervises (every 60 s by default); supervising as often as a
 * job can expire bounds how long a dead worker's attempt waits: about twice the expiry.
 */
const supervision = () => ({ superviseIntervalSeconds: expireInSeconds(), monitorIntervalSeconds: expireInSeconds() });

const holder = globalThis as typeof globalThis & { __folioBoss?: Promise<PgBoss> };

async function start(): Promise<PgBoss> {
  const embedded = embeddedDatabase();
  const boss = embedded
    ? new PgBoss({ db: fromPglite(await embedded), backend: 'pglite', schema: 'pgboss', useListenNotify: true, schedule: false, ...supervision() })
    : new PgBoss({ connectionString: config.databaseUrl, max: 3, schema: 'pgboss', useListenNotify: true, schedule: false, application_name: 'folio-webhooks', ...supervision() });
  boss.on('error', (error) => log.warn({ err: error }, 'webhook queue: pg-boss reported an error'));
  boss.on('warning', (warning) => log.warn({ warning: warning.message }, 'webhook queue: pg-boss warns'));
  await boss.start();
  // Each job is one attempt: retries after an expiry (a lost worker) or an unexpected error; the
  // delivery's own schedule (../webhooks/attempt.ts) makes the next attempt a new job.
  const options = { expireInSeconds: expireInSeconds(), retryLimit: 20, retryDelay: 5, retryBackoff: true, retryDelayMax: 300, notify: true };
  if (await boss.getQueue(QUEUE)) await boss.updateQueue(QUEUE, options);
  else await boss.createQueue(QUEUE, options);
  return boss;
}

/** This process's pg-boss, started (and its schema installed or migrated) on first use. */
export function queue(): Promise<PgBoss> {
  holder.__folioBoss ??= start().catch((error: unknown) => {
    holder.__folioBoss = undefined;
    throw error;
  });
  return holder.__folioBoss;
}

/** Schedules an attempt of a delivery, in `trx`; returns the job's id. */
export async function scheduleAttempt(trx: Kysely<Database>, deliveryId: string, startAfter?: Date): Promise<string> {
  const boss = await queue();
  // Due now: no start time, so pg-boss wakes a worker at once (it notifies only for jobs due by the
  // transaction's clock, which started before this moment).
  const later = startAfter && startAfter.getTime() > Date.now() ? { startAfter } : {};
  const id = await boss.send(QUEUE, { delivery_id: deliveryId } satisfies AttemptJob, { db: fromKysely(trx), ...later });
  if (!id) throw new Error(`pg-boss did not queue an attempt of ${deliveryId}`);
  return id;
}

/** Stops this process's pg-boss (and its workers), letting attempts under way finish. */
export async function stopQueue(): Promise<void> {
  const boss = await holder.__folioBoss?.catch(() => undefined);
  holder.__folioBoss = undefined;
  await boss?.stop({ graceful: true, wait: true, timeout: config.webhookTimeoutMs + 5000 } as never);
}
