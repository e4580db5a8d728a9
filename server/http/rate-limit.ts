import { sql } from 'kysely';
import type { RateLimitClass } from '../../contracts/shared/auth.ts';
import { config } from '../config.ts';
import { db } from '../db/index.ts';

export interface RateLimitState {
  headers: Record<string, string>;
  limited: boolean;
  retryAfterSeconds: number;
}

// Old windows are swept now and then by whichever request happens to draw the short straw.
const SWEEP_PROBABILITY = 0.001;

/**
 * Counts one request against `bucket` in the current fixed window — in the database, so every
 * instance shares the count — and returns the IETF RateLimit headers for the response.
 */
export async function consume(kind: RateLimitClass, bucket: string): Promise<RateLimitState> {
  const { quota, windowSeconds } = config.rateLimits[kind];
  const now = Date.now();
  const windowMs = windowSeconds * 1000;
  const windowStart = new Date(Math.floor(now / windowMs) * windowMs);
  const { hits } = await db()
    .insertInto('rate_limit_counters')
    .values({ bucket: `${kind}:${bucket}`, window_start: windowStart, hits: 1 })
    .onConflict((oc) => oc.columns(['bucket', 'window_start']).doUpdateSet({ hits: sql`rate_limit_counters.hits + 1` }))
    .returning('hits')
    .executeTakeFirstOrThrow();
  if (Math.random() < SWEEP_PROBABILITY) {
    await db().deleteFrom('rate_limit_counters').where('window_start', '<', new Date(now - 24 * 3600 * 1000)).execute();
  }
  const reset = Math.max(1, Math.ceil((windowStart.getTime() + windowMs - now) / 1000));
  return {
    limited: hits > quota,
    retryAfterSeconds: reset,
    headers: {
      'RateLimit-Policy': `"${kind}";q=${quota};w=${windowSeconds}`,
      RateLimit: `"${kind}";r=${Math.max(0, quota - hits)};t=${reset}`,
    },
  };
}

/**
 * The client's address: the front server (server/start.ts) replaces X-Forwarded-For with the one
 * address it resolved from the socket and the trusted proxies (FOLIO_TRUST_PROXY), so the whole
 * value is the address — nothing in it is the client's to choose.
 */
export function clientAddress(request: Request): string {
  return request.headers.get('x-forwarded-for')?.trim() || 'unknown';
}
