import { CompiledQuery } from 'kysely';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimitClass } from '../../contracts/shared/auth.ts';
import { config, type RatePolicy } from '../config.ts';
import { db } from '../db/index.ts';
import { log } from '../log.ts';

/** Where the counters live: chosen by the deployment (see `chooseStore`). */
type StoreKind = 'memory' | 'redis' | 'postgres';

/** One counted request: how many the bucket has taken in its window, and when that window ends. */
interface Count {
  consumed: number;
  msBeforeReset: number;
}

/** What Folio asks of a rate-limiter-flexible limiter, whatever its store. */
interface Limiter {
  consume(key: string): Promise<RateLimiterRes>;
}
type ClassLimiters = Record<RateLimitClass, Limiter>;

function perClass(make: (kind: RateLimitClass, policy: RatePolicy) => Limiter): ClassLimiters {
  const { read, write, auth } = config.rateLimits;
  return { read: make('read', read), write: make('write', write), auth: make('auth', auth) };
}

/**
 * In process for the embedded database: it belongs to one process, so there is only ever one
 * instance and its own memory is exact (and costs no I/O). Redis when REDIS_URL is set: one shared
 * store for every instance. Otherwise PostgreSQL, which every instance already shares.
 */
function chooseStore(settings: { redisUrl?: string; databaseUrl?: string }): StoreKind {
  if (settings.redisUrl) return 'redis';
  return settings.databaseUrl ? 'postgres' : 'memory';
}

/**
 * Where a class's buckets live: its window is part of the key, so a bucket counted under another
 * window (before an operator changed the policy) is not this policy's — a reset never lies further
 * off than the window RateLimit-Policy states. (Kept across a change, a 60 s bucket reported
 * `t=47` under `w=20`: found by probing the API.)
 */
export const bucketPrefix = (kind: RateLimitClass, windowSeconds: number) => `${kind}:w${windowSeconds}`;

const memoryLimiters = () =>
  perClass((kind, { quota, windowSeconds }) => new RateLimiterMemory({ keyPrefix: bucketPrefix(kind, windowSeconds), points: quota, duration: windowSeconds }));

/**
 * A Redis that is away fails each command at once (no offline queue, and rejected before it is
 * sent while the connection is not ready) or within COMMAND_TIMEOUT_MS, so no request waits on
 * it; ioredis keeps reconnecting in the background. Only the first requests of a server wait,
 * up to FIRST_CONNECT_MS, for the connection to be made.
 */
const COMMAND_TIMEOUT_MS = 500;
const FIRST_CONNECT_MS = 1000;

function redisLimiters(url: string): () => ClassLimiters | Promise<ClassLimiters> {
  const client = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: COMMAND_TIMEOUT_MS });
  // Without a listener ioredis prints every failed reconnection; `count` logs the outage once.
  client.on('error', (error: Error) => log.debug({ err: error }, 'Redis connection error'));
  const limiters = perClass(
    (kind, { quota, windowSeconds }) =>
      new RateLimiterRedis({
        storeClient: client,
        rejectIfRedisNotReady: true,
        keyPrefix: `${config.redisKeyPrefix}ratelimit:${bucketPrefix(kind, windowSeconds)}`,
        points: quota,
        duration: windowSeconds,
      }),
  );
  let connecting: Promise<ClassLimiters> | undefined = new Promise((resolve) => {
    const done = () => {
      connecting = undefined;
      resolve(limiters);
    };
    client.once('ready', done);
    setTimeout(done, FIRST_CONNECT_MS).unref();
  });
  return () => connecting ?? limiters;
}

/** rate-limiter-flexible's PostgreSQL store, on Folio's own pool: all it needs is `query({ text, values })`. */
const viaKysely = {
  query: ({ text, values }: { text: string; values?: unknown[] }) => db().executeQuery(CompiledQuery.raw(text, values ?? [])),
};

/** Made by migration 0017 in the library's layout: the server's role needs only to read and write it. */
const TABLE = 'rate_limits';

/** PostgreSQL's limiters; `read`'s deletes, every 5 minutes, rows whose window ended an hour ago. */
const postgresLimiters = (): ClassLimiters =>
  perClass(
    (kind, { quota, windowSeconds }) =>
      new RateLimiterPostgres({
        storeClient: viaKysely,
        storeType: 'pool',
        tableName: TABLE,
        tableCreated: true,
        clearExpiredByTimeout: kind === 'read',
        keyPrefix: bucketPrefix(kind, windowSeconds),
        points: quota,
        duration: windowSeconds,
      }),
  );

interface Limiters {
  store: StoreKind;
  /** The deployment's limiters (a promise of them while Redis makes its first connection). */
  shared: () => ClassLimiters | Promise<ClassLimiters>;
  /** Counts in this process while the shared store cannot be reached (see `count`). */
  fallback: ClassLimiters;
  storeDown: boolean;
}

// One set per process, kept on globalThis: Next.js evaluates this module once per route bundle,
// and an in-process count must be one count, not one per route.
const holder = globalThis as typeof globalThis & { __folioRateLimiters?: Limiters };

function limiters(): Limiters {
  if (holder.__folioRateLimiters) return holder.__folioRateLimiters;
  const store = chooseStore(config);
  const memory = memoryLimiters();
  let shared: Limiters['shared'] = () => memory;
  if (store === 'redis') {
    shared = redisLimiters(config.redisUrl!);
  } else if (store === 'postgres') {
    const made = postgresLimiters();
    shared = () => made;
  }
  return (holder.__folioRateLimiters = { store, shared, fallback: memory, storeDown: false });
}

/**
 * Counts one request against `key` in its class. Over the limit is a count like any other (the
 * caller compares it with the quota). A shared store that fails does not fail the request, nor
 * let it through uncounted: the count falls back to this process's memory — each instance then
 * enforces the limit on its own — until the store answers again (README, "Rate limits").
 */
export async function count(kind: RateLimitClass, key: string): Promise<Count> {
  const state = limiters();
  try {
    const shared = await state.shared();
    const result = toCount(await settle(shared[kind].consume(key)));
    if (state.storeDown) {
      state.storeDown = false;
      log.info({ store: state.store }, 'rate-limit store answers again');
    }
    return result;
  } catch (error) {
    if (!state.storeDown) log.warn({ store: state.store, err: error }, 'rate-limit store failed; counting in this process until it answers');
    state.storeDown = true;
    return toCount(await settle(state.fallback[kind].consume(key)));
  }
}

/** rate-limiter-flexible rejects with the RateLimiterRes when over the limit: that is a count, not an error. */
async function settle(consumption: Promise<RateLimiterRes>): Promise<RateLimiterRes> {
  try {
    return await consumption;
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return rejection;
    throw rejection;
  }
}

const toCount = (res: RateLimiterRes): Count => ({ consumed: res.consumedPoints, msBeforeReset: res.msBeforeNext });
