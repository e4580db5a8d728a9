import { availableParallelism } from 'node:os';
import ms from 'ms';

// Folio's settings, read from the environment once, as a process starts: no other module of the
// server reads process.env (instrumentation.ts reads NEXT_RUNTIME, which Next.js sets; the scripts
// read options of their own). README.md lists them under "Configuration".
import { parseInboundSources } from './inbound/sources.ts';

function integer(name: string, fallback: number, options: { allowZero?: boolean } = {}): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < (options.allowZero ? 0 : 1)) throw new Error(`${name} must be a whole number, got ${raw}`);
  return value;
}

/** `5s`, `200ms`, `2h`, `5d` (or a bare number of milliseconds), read with the `ms` package. */
/** A key that seals webhook secrets (server/webhooks/secrets.ts): 32 bytes in base64, read at start so a wrong one stops the server, not a request later. */
export function sealingKey(where: string, base64: string): Buffer;
export function sealingKey(where: string, base64: string | undefined): Buffer | undefined;
export function sealingKey(where: string, base64: string | undefined): Buffer | undefined {
  if (base64 === undefined) return undefined;
  const key = Buffer.from(base64.trim(), 'base64');
  if (key.length !== 32) throw new Error(`${where} must hold 32 bytes in base64 (e.g. \`openssl rand -base64 32\`)`);
  return key;
}

function duration(name: string, raw: string | undefined, fallback: string): number {
  const value = raw === undefined || raw === '' ? fallback : raw.trim();
  const parsed = /^\d+$/.test(value) ? Number(value) : ms(value as ms.StringValue);
  if (!Number.isSafeInteger(parsed) || parsed < 0) throw new Error(`${name} must be a duration such as 5s, 30m or 2h, got ${value}`);
  return parsed;
}

/** FOLIO_WEBHOOK_RETRY_SCHEDULE: the delay before each attempt, comma-separated (the first is the first attempt's). */
function schedule(raw: string | undefined): number[] {
  const delays = (raw?.trim() || '0,5s,5m,30m,2h,5h,10h,10h').split(',').map((part) => duration('FOLIO_WEBHOOK_RETRY_SCHEDULE', part, '0'));
  if (delays.length === 0) throw new Error('FOLIO_WEBHOOK_RETRY_SCHEDULE needs at least one delay');
  return delays;
}

/** FOLIO_WEBHOOK_ALLOW_HOSTS: host names, addresses or CIDR ranges webhook deliveries may reach although private. */
function hostList(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean);
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

/**
 * Tracing is on when an exporter is configured the standard way — OTEL_TRACES_EXPORTER (other than
 * `none`) or an OTLP endpoint — and OTEL_SDK_DISABLED is not `true`. Off, nothing of OpenTelemetry's
 * SDK is even loaded. (The SDK reads every other OTEL_* variable itself.)
 */
function tracingConfigured(env: NodeJS.ProcessEnv): boolean {
  if (env.OTEL_SDK_DISABLED?.toLowerCase() === 'true') return false;
  const exporters = (env.OTEL_TRACES_EXPORTER ?? '').split(',').map((name) => name.trim()).filter(Boolean);
  if (exporters.length > 0) return !exporters.every((name) => name === 'none');
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/** FOLIO_MEDIA_TYPES: a comma-separated subset of the types uploads may hold (contracts/media/schemas.ts MEDIA_TYPES). */
function mediaTypes(raw: string | undefined): string[] | undefined {
  const types = raw?.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean);
  return types && types.length > 0 ? types : undefined;
}

function flag(name: string, fallback: boolean): boolean {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw !== 'true' && raw !== 'false') throw new Error(`${name} must be true or false, got ${raw}`);
  return raw === 'true';
}

/** Uploaded media: limits, and where the bytes live (README "Media"). */
function mediaSettings() {
  const driver = process.env.FOLIO_MEDIA_DRIVER || 'fs';
  if (driver !== 'fs' && driver !== 's3') throw new Error(`FOLIO_MEDIA_DRIVER must be fs or s3, got ${driver}`);
  if (driver === 's3' && !process.env.FOLIO_S3_BUCKET) throw new Error('FOLIO_MEDIA_DRIVER=s3 needs FOLIO_S3_BUCKET');
  return {
    driver: driver as 'fs' | 's3',
    /** The filesystem driver's objects, and every driver's staging area for uploads in progress. */
    dir: process.env.FOLIO_MEDIA_DIR || '.data/media',
    maxBytes: integer('FOLIO_MEDIA_MAX_BYTES', 25 * 1024 * 1024),
    /** Width × height above which an image is refused (422) before it is decoded: decompression bombs. */
    maxPixels: integer('FOLIO_MEDIA_MAX_PIXELS', 50_000_000),
    /** Bytes of media one account may hold. */
    quotaBytes: integer('FOLIO_MEDIA_QUOTA_BYTES', 1024 * 1024 * 1024),
    types: mediaTypes(process.env.FOLIO_MEDIA_TYPES),
    /** Re-encode JPEGs that carry EXIF/XMP/IPTC metadata (location included) without it. */
    stripMetadata: flag('FOLIO_MEDIA_STRIP_METADATA', true),
    /** The whole upload request may take this long (a slow link), instead of FOLIO_REQUEST_TIMEOUT_MS. */
    uploadTimeoutMs: integer('FOLIO_MEDIA_UPLOAD_TIMEOUT_MS', 10 * 60_000),
    s3: {
      bucket: process.env.FOLIO_S3_BUCKET ?? '',
      region: process.env.FOLIO_S3_REGION || 'us-east-1',
      endpoint: process.env.FOLIO_S3_ENDPOINT || undefined,
      forcePathStyle: flag('FOLIO_S3_FORCE_PATH_STYLE', false),
      prefix: process.env.FOLIO_S3_PREFIX ?? 'media/',
    },
  };
}

export const config = {
  /** Where the production server (server/start.ts) listens. */
  port: integer('PORT', 3000, { allowZero: true }),
  host: process.env.FOLIO_HOST || '127.0.0.1',
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
  /**
   * Password hashes computed at once (the rest queue). Each takes a core for tens of milliseconds:
   * by default one core is left for everything else, and never more than libuv's pool (4) is used.
   */
  hashConcurrency: integer('FOLIO_HASH_CONCURRENCY', Math.min(4, Math.max(1, availableParallelism() - 1))),
  /** Hashes that may wait for a turn; beyond that, sign-in and registration answer 503. */
  hashQueue: integer('FOLIO_HASH_QUEUE', 32, { allowZero: true }),
  /** Server-Sent Events: the reconnection delay suggested to clients, and how often a quiet stream sends a heartbeat. */
  sseRetryMs: integer('FOLIO_SSE_RETRY_MS', 3000),
  sseHeartbeatMs: integer('FOLIO_SSE_HEARTBEAT_MS', 15_000),
  /** An event stream ends after this long; the client resumes with its last id (recycles connections behind load balancers). */
  sseMaxAgeMs: integer('FOLIO_SSE_MAX_AGE_MS', 3_600_000),
  /** Open event streams per caller (account, or address without a token); one more is 429. */
  sseMaxStreams: integer('FOLIO_SSE_MAX_STREAMS', 5),
  /** Events older than this many days are swept from the log. */
  eventRetentionDays: integer('FOLIO_EVENT_RETENTION_DAYS', 30),
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
  /** Webhooks: whether this process runs the delivery worker (`npm run worker` runs one on its own). */
  webhookWorker: process.env.FOLIO_WEBHOOK_WORKER !== 'off',
  /** Deliveries sent at once by one worker. */
  webhookConcurrency: integer('FOLIO_WEBHOOK_CONCURRENCY', 8),
  /** How long an attempt waits for the endpoint's answer. */
  webhookTimeoutMs: duration('FOLIO_WEBHOOK_TIMEOUT', process.env.FOLIO_WEBHOOK_TIMEOUT, '15s'),
  /** The delay before each attempt: the first, then each retry (jitter of up to 10% is added). */
  webhookRetrySchedule: schedule(process.env.FOLIO_WEBHOOK_RETRY_SCHEDULE),
  /** An endpoint whose every attempt failed for this long is disabled. */
  webhookDisableAfterMs: duration('FOLIO_WEBHOOK_DISABLE_AFTER', process.env.FOLIO_WEBHOOK_DISABLE_AFTER, '5d'),
  /** After a rotation, how long deliveries are also signed with the previous secret. */
  webhookSecretOverlapMs: duration('FOLIO_WEBHOOK_SECRET_OVERLAP', process.env.FOLIO_WEBHOOK_SECRET_OVERLAP, '24h'),
  /** Hosts, addresses or CIDR ranges deliveries may reach although loopback or private (development, tests). */
  webhookAllowHosts: hostList(process.env.FOLIO_WEBHOOK_ALLOW_HOSTS),
  /** The key that encrypts signing secrets at rest (base64, 32 bytes); without it, one kept in FOLIO_WEBHOOK_KEY_FILE. */
  webhookSecretKey: sealingKey('FOLIO_WEBHOOK_SECRET_KEY', process.env.FOLIO_WEBHOOK_SECRET_KEY || undefined),
  webhookKeyFile: process.env.FOLIO_WEBHOOK_KEY_FILE || '.data/webhook-secrets.key',
  /** How long readiness waits for each database check before it reports `fail`. */
  readyTimeoutMs: integer('FOLIO_READY_TIMEOUT_MS', 1000),
  /** What health documents call this release (`releaseId`): a commit or tag the deployment sets; else the build's id. */
  releaseId: process.env.FOLIO_RELEASE_ID || undefined,
  /**
   * On SIGTERM or SIGINT, how long in-flight requests and background work get to finish before the
   * rest is cut off and the process exits. Under Kubernetes' default 30 s grace, so Folio exits first.
   */
  shutdownGraceMs: integer('FOLIO_SHUTDOWN_GRACE_MS', 25_000),
  /** OpenTelemetry traces: see tracingConfigured. */
  tracing: tracingConfigured(process.env),
  media: mediaSettings(),
  /** Who may deliver webhooks to `/api/v1/inbound/<name>`: each source's scheme and secrets (server/inbound/sources.ts). */
  inboundSources: parseInboundSources(process.env.FOLIO_INBOUND_SOURCES),
  /** How far a signed timestamp (Standard Webhooks, Stripe) may be from now, either way, before a delivery is refused as a replay. */
  inboundToleranceSeconds: integer('FOLIO_INBOUND_TOLERANCE_SECONDS', 300),
  /** Set by `npm run bench` alone: serves the bare route it compares the binding with (server/bench/). */
  benchRoutes: process.env.FOLIO_BENCH_ROUTES === '1',
};

if (config.releaseId && config.releaseId.length > 100) throw new Error('FOLIO_RELEASE_ID must be at most 100 characters');

if (config.headersTimeoutMs > config.requestTimeoutMs) {
  throw new Error('FOLIO_HEADERS_TIMEOUT_MS must not exceed FOLIO_REQUEST_TIMEOUT_MS: the headers are part of the request');
}

if (config.responseValidation !== 'strict' && config.responseValidation !== 'strip') {
  throw new Error('FOLIO_RESPONSE_VALIDATION must be strict or strip');
}
