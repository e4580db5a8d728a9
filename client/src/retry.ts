import { IDEMPOTENT_OPERATIONS } from './operations.js';

export interface RetryOptions {
  /** Retries after the first attempt (default 2; 0 turns retrying off). */
  retries?: number;
  /** First backoff when the server gives no Retry-After (default 250 ms), doubled each time. */
  baseDelayMs?: number;
  /** Longest the client waits before one retry, Retry-After included (default 30 s). */
  maxDelayMs?: number;
}

export const RETRY_DEFAULTS: Required<RetryOptions> = { retries: 2, baseDelayMs: 250, maxDelayMs: 30_000 };

/** Statuses that say "not now": retried (and an event subscription reconnects) after Retry-After. */
export const RETRYABLE_STATUS: ReadonlySet<number> = new Set([429, 503]);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

const patterns = IDEMPOTENT_OPERATIONS.map(({ method, path }) => ({
  method,
  pattern: new RegExp(`^${path.replace(/\{[^}/]+\}/g, '[^/]+')}$`),
}));

/** POSTs to operations that take an Idempotency-Key get one, so a retry cannot act twice. */
export function needsIdempotencyKey(request: Request): boolean {
  const { pathname } = new URL(request.url);
  return patterns.some((p) => p.method === request.method && p.pattern.test(pathname));
}

/** Retry-After in milliseconds: seconds, or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(response: Response | undefined): number | undefined {
  const header = response?.headers.get('Retry-After');
  if (!header) return undefined;
  if (/^\d+$/.test(header)) return Number(header) * 1000;
  const date = Date.parse(header) - Date.now();
  return Number.isFinite(date) ? Math.max(0, date) : undefined;
}

/** Retry-After when the server gives one; otherwise exponential backoff. */
function delayFor(response: Response | undefined, attempt: number, options: Required<RetryOptions>): number {
  return Math.min(options.maxDelayMs, retryAfterMs(response) ?? options.baseDelayMs * 2 ** attempt);
}

/**
 * A fetch that retries 429 and 503 (honouring Retry-After) and network failures — but only for
 * requests that are safe to repeat: idempotent methods, and POSTs carrying an Idempotency-Key.
 */
export function retryingFetch(inner: typeof fetch, options: RetryOptions = {}): typeof fetch {
  const settings: Required<RetryOptions> = { ...RETRY_DEFAULTS, ...options };
  return async (input, init) => {
    const request = new Request(input, init);
    const repeatable = SAFE_METHODS.has(request.method) || (request.method === 'POST' && request.headers.has('Idempotency-Key'));
    for (let attempt = 0; ; attempt++) {
      const last = !repeatable || attempt >= settings.retries;
      let response: Response | undefined;
      try {
        response = await inner(last ? request : request.clone());
      } catch (error) {
        if (last) throw error;
      }
      if (response && (last || !RETRYABLE_STATUS.has(response.status))) return response;
      await response?.body?.cancel();
      await new Promise((resolve) => setTimeout(resolve, delayFor(response, attempt, settings)));
    }
  };
}
