import ipaddr from 'ipaddr.js';
import { createHash } from 'node:crypto';
import type { RateLimitClass } from '../../contracts/shared/auth.ts';
import { config } from '../config.ts';
import { count } from './rate-limit-store.ts';

export interface RateLimitState {
  headers: Record<string, string>;
  limited: boolean;
  retryAfterSeconds: number;
}

// The policy of a class never changes while the server runs: its header is written once.
const POLICY_HEADERS = Object.fromEntries(
  Object.entries(config.rateLimits).map(([kind, { quota, windowSeconds }]) => [kind, `"${kind}";q=${quota};w=${windowSeconds}`]),
) as Record<RateLimitClass, string>;

/**
 * Counts one request against `bucket` in its class's fixed window (which starts with the bucket's
 * first request) — in the store the deployment uses (./rate-limit-store.ts) — and returns the
 * IETF RateLimit headers for the response.
 */
export async function consume(kind: RateLimitClass, bucket: string): Promise<RateLimitState> {
  const { quota } = config.rateLimits[kind];
  const { consumed, msBeforeReset } = await count(kind, bucket);
  const reset = Math.max(1, Math.ceil(msBeforeReset / 1000));
  return {
    limited: consumed > quota,
    retryAfterSeconds: reset,
    headers: { 'RateLimit-Policy': POLICY_HEADERS[kind], RateLimit: `"${kind}";r=${Math.max(0, quota - consumed)};t=${reset}` },
  };
}

/**
 * The bucket of a sign-in attempt's email: a hash, so no counter store holds the addresses
 * people typed (nor a key longer than a store allows).
 */
export function emailBucket(email: string): string {
  return `account:${createHash('sha256').update(email.toLowerCase()).digest('base64url')}`;
}

/**
 * The client's address: the front server (server/start.ts) replaces X-Forwarded-For with the one
 * address it resolved from the socket and the trusted proxies (FOLIO_TRUST_PROXY), so the whole
 * value is the address — nothing in it is the client's to choose.
 */
function clientAddress(request: Request): string {
  return request.headers.get('x-forwarded-for')?.trim() || 'unknown';
}

/**
 * Who an anonymous request counts as (its rate limits, idempotency keys and streams): its
 * address — an IPv6 one by its /64, the block one host is given, or a host rotating through its
 * addresses would get a budget for each; an IPv4-mapped one as the IPv4 address it is.
 */
export function anonymousClient(request: Request): string {
  const address = clientAddress(request);
  // IPv4 as it is (the front server gives a plain address): no parsing on every anonymous request.
  if (!address.includes(':') || !ipaddr.IPv6.isValid(address)) return `ip:${address}`;
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4') return `ip:${parsed.toString()}`;
  return `ip:${parsed.toNormalizedString().split(':').slice(0, 4).join(':')}::/64`;
}
