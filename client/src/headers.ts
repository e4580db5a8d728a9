/** A structured-field RateLimit value: `"read";r=599;t=42` or `"read";q=600;w=60`. */
function parseRateLimit(value: string | null): Record<string, string | number> | undefined {
  if (!value) return undefined;
  const [name, ...params] = value.split(';');
  const out: Record<string, string | number> = { name: (name ?? '').replaceAll('"', '') };
  for (const param of params) {
    const [key, raw] = param.split('=');
    if (key && raw !== undefined) out[key.trim()] = Number(raw);
  }
  return out;
}

export interface RateLimitState {
  /** The policy's name: `read`, `write` or `auth`. */
  policy: string;
  /** Requests allowed per window. */
  quota: number;
  /** Window length in seconds. */
  windowSeconds: number;
  /** Requests left in this window. */
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
}

/** The response headers Folio's contracts declare, parsed and typed. */
export interface FolioHeaders {
  requestId: string | null;
  etag: string | null;
  location: string | null;
  cacheControl: string | null;
  /** The `next` page URL from `Link`, when there is one. */
  next: string | null;
  rateLimit: RateLimitState | null;
  /** Seconds to wait, on 429. */
  retryAfter: number | null;
  /** True when the response is the stored first answer to a repeated Idempotency-Key. */
  replayed: boolean;
}

export function readHeaders(response: Response): FolioHeaders {
  const h = response.headers;
  const policy = parseRateLimit(h.get('RateLimit-Policy'));
  const state = parseRateLimit(h.get('RateLimit'));
  const retryAfter = h.get('Retry-After');
  return {
    requestId: h.get('X-Request-Id'),
    etag: h.get('ETag'),
    location: h.get('Location'),
    cacheControl: h.get('Cache-Control'),
    next: /<([^>]+)>;\s*rel="next"/.exec(h.get('Link') ?? '')?.[1] ?? null,
    rateLimit:
      policy && state
        ? {
            policy: String(policy.name),
            quota: Number(policy.q),
            windowSeconds: Number(policy.w),
            remaining: Number(state.r),
            resetSeconds: Number(state.t),
          }
        : null,
    retryAfter: retryAfter && /^\d+$/.test(retryAfter) ? Number(retryAfter) : null,
    replayed: h.get('Idempotent-Replayed') === 'true',
  };
}
