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

/**
 * POSTs to operations that take an Idempotency-Key get one, so a retry cannot act twice. Told by
 * the operation's path as the document writes it (openapi-fetch's `schemaPath`), not by the URL,
 * which may sit under a prefix of the base URL (`https://example.com/folio/api/v1/posts`).
 */
export function needsIdempotencyKey(method: string, schemaPath: string): boolean {
  return IDEMPOTENT_OPERATIONS.some((op) => op.method === method && op.path === schemaPath);
}

/** Resolves after `ms`, or at once when `signal` aborts (the caller checks which): no timer outlives an abort. */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** A fetch given up on purpose (its signal, a timeout): not a network failure to retry. */
const isAbort = (error: unknown) => error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');

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
 * A request whose signal aborts is not retried, and a wait before a retry ends with the abort:
 * cancelling (a page left, a timeout) takes effect at once, not after up to `maxDelayMs` a retry.
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
        if (last || request.signal.aborted || isAbort(error)) throw error;
      }
      if (response && (last || !RETRYABLE_STATUS.has(response.status))) return response;
      await response?.body?.cancel();
      await sleep(delayFor(response, attempt, settings), request.signal);
      if (request.signal.aborted) throw request.signal.reason;
    }
  };
}
