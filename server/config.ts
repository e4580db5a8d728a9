// Settings read once from the environment at start-up; nothing else reads process.env.
function integer(name: string, fallback: number, options: { allowZero?: boolean } = {}): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < (options.allowZero ? 0 : 1)) throw new Error(`${name} must be a whole number, got ${raw}`);
  return value;
}

export type ResponseValidation = 'strict' | 'strip';

export interface RatePolicy {
  quota: number;
  windowSeconds: number;
}

/** `read=600/60,write=120/60,auth=10/60`: requests per window (seconds) for each class. */
function ratePolicies(spec: string): Record<'read' | 'write' | 'auth', RatePolicy> {
  const policies = { read: { quota: 600, windowSeconds: 60 }, write: { quota: 120, windowSeconds: 60 }, auth: { quota: 10, windowSeconds: 60 } };
  for (const part of spec.split(',').filter(Boolean)) {
    const match = /^(read|write|auth)=(\d+)\/(\d+)$/.exec(part.trim());
    if (!match) throw new Error(`FOLIO_RATE_LIMITS: cannot read "${part}" (expected e.g. read=600/60)`);
    policies[match[1] as keyof typeof policies] = { quota: Number(match[2]), windowSeconds: Number(match[3]) };
  }
  return policies;
}

/**
 * FOLIO_TRUST_PROXY: how many proxies in front of Folio append to X-Forwarded-For and are trusted,
 * counted from the server (Express's "trust proxy" hop count). `true` is one; unset, `false` or `0`
 * trust none, so the client address is the socket's.
 */
function proxyHops(raw: string | undefined): number {
  if (raw === undefined || raw === '' || raw === 'false') return 0;
  if (raw === 'true') return 1;
  const hops = Number(raw);
  if (!Number.isSafeInteger(hops) || hops < 0) throw new Error(`FOLIO_TRUST_PROXY must be true, false or a number of proxies, got ${raw}`);
  return hops;
}

/** FOLIO_FRAME_ANCESTORS: CSP sources that may frame the pages, space-separated (`'none'` by default). */
function frameAncestors(raw: string | undefined): string {
  const value = raw?.trim() || "'none'";
  // A ';' or ',' would end the directive and smuggle others into the policy.
  if (/[;,\r\n]/.test(value)) throw new Error(`FOLIO_FRAME_ANCESTORS must be a space-separated list of CSP sources, got ${raw}`);
  return value;
}

export const config = {
  /** PostgreSQL connection string; without it Folio uses the embedded PGlite database. */
  databaseUrl: process.env.DATABASE_URL || undefined,
  /** Where the embedded database lives (`memory://` keeps it in memory). */
  pgliteDir: process.env.FOLIO_PGLITE_DIR || '.data/pglite',
  poolSize: integer('FOLIO_DB_POOL_SIZE', 10),
  /** PostgreSQL cancels any statement running longer (then the client gets a 503); 0 turns it off. */
  statementTimeoutMs: integer('FOLIO_STATEMENT_TIMEOUT_MS', 5000, { allowZero: true }),
  /**
   * Largest request body read. Above every body the request schemas allow (the largest, a post,
   * is under 700 kB even with every character JSON-escaped), so only truly oversize bodies get 413.
   */
  maxBodyBytes: integer('FOLIO_MAX_BODY_BYTES', 1024 * 1024),
  /**
   * `strict`: a response that breaks its contract becomes a 500 problem (development, tests).
   * `strip`: undeclared fields are removed and the response is sent (production).
   */
  responseValidation: (process.env.FOLIO_RESPONSE_VALIDATION ??
    (process.env.NODE_ENV === 'production' ? 'strip' : 'strict')) as ResponseValidation,
  logLevel: process.env.LOG_LEVEL || 'info',
  /** Requests per window per account (or per client address without one), by class. */
  rateLimits: ratePolicies(process.env.FOLIO_RATE_LIMITS ?? ''),
  /** Redis for the rate-limit counters, shared by every instance; without it see server/http/rate-limit-store.ts. */
  redisUrl: process.env.REDIS_URL || undefined,
  /** Put before every key Folio writes to Redis, so several deployments (or test servers) can share one. */
  redisKeyPrefix: process.env.FOLIO_REDIS_PREFIX || 'folio:',
  /** Password hashes computed at once (the rest queue); keep it under libuv's thread pool size (4). */
  hashConcurrency: integer('FOLIO_HASH_CONCURRENCY', 2),
  /** Hashes that may wait for a turn; beyond that, sign-in and registration answer 503. */
  hashQueue: integer('FOLIO_HASH_QUEUE', 32, { allowZero: true }),
  /** How long a retry waits for the first request with its Idempotency-Key before answering 409. */
  idempotencyWaitMs: integer('FOLIO_IDEMPOTENCY_WAIT_MS', 5000, { allowZero: true }),
  /** Trusted proxies in front (see proxyHops): the client address is the entry the outermost of them appended. */
  trustProxyHops: proxyHops(process.env.FOLIO_TRUST_PROXY),
  /** Who may frame the home page and the reference (the `frame-ancestors` of their Content-Security-Policy). */
  frameAncestors: frameAncestors(process.env.FOLIO_FRAME_ANCESTORS),
  /**
   * Time allowed for a request's header section, and for the whole request (headers and body),
   * before the front server answers 408 and closes the connection. An API's requests are small:
   * these are far below Node's defaults (60 s and 300 s), which let a slow or stalled client hold
   * a connection for minutes.
   */
  headersTimeoutMs: integer('FOLIO_HEADERS_TIMEOUT_MS', 10_000),
  requestTimeoutMs: integer('FOLIO_REQUEST_TIMEOUT_MS', 30_000),
  /** Set by `npm run bench` alone: serves the bare route it compares the binding with (server/bench/). */
  benchRoutes: process.env.FOLIO_BENCH_ROUTES === '1',
};

if (config.headersTimeoutMs > config.requestTimeoutMs) {
  throw new Error('FOLIO_HEADERS_TIMEOUT_MS must not exceed FOLIO_REQUEST_TIMEOUT_MS: the headers are part of the request');
}

if (config.responseValidation !== 'strict' && config.responseValidation !== 'strip') {
  throw new Error('FOLIO_RESPONSE_VALIDATION must be strict or strip');
}
