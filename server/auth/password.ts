import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import pLimit from 'p-limit';
import { config } from '../config.ts';
import { AppError } from '../errors.ts';

// scrypt (memory-hard) with N=2^15, r=8: 32 MiB and tens of milliseconds per hash — OWASP's
// recommended floor for scrypt. Parameters are stored with each hash so they can be raised later.
const PARAMS = { N: 2 ** 15, r: 8, p: 1 };
const KEY_LENGTH = 32;

/**
 * scrypt runs on libuv's thread pool (4 threads by default), which file and DNS work share: a
 * burst of sign-ins must not fill it. At most FOLIO_HASH_CONCURRENCY hashes run at once and
 * FOLIO_HASH_QUEUE wait; beyond that the request is refused at once with a 503 and Retry-After,
 * instead of every other request waiting behind the hashes.
 */
const hashing = pLimit(config.hashConcurrency);

function derive(password: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  if (hashing.pendingCount >= config.hashQueue) {
    throw new AppError('service_unavailable', 'Too many sign-ins and registrations at once; retry in a second.', { headers: { 'Retry-After': '1' } });
  }
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r };
  return hashing(
    () =>
      new Promise<Buffer>((resolve, reject) =>
        scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (error, key) => (error ? reject(error) : resolve(key))),
      ),
  );
}

/** `scrypt$N$r$p$salt$hash`, both base64url. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, PARAMS);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Constant-time comparison; a malformed stored hash (such as `!`) matches nothing, after the same work. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, N, r, p, salt, hash] = stored.split('$');
  const wellFormed = scheme === 'scrypt' && salt && hash;
  const params = wellFormed ? { N: Number(N), r: Number(r), p: Number(p) } : PARAMS;
  const key = await derive(password, Buffer.from(wellFormed ? salt : 'AAAAAAAAAAAAAAAAAAAAAA', 'base64url'), params);
  const expected = Buffer.from(wellFormed ? hash : key.toString('base64url'), 'base64url');
  return Boolean(wellFormed) && expected.length === key.length && timingSafeEqual(expected, key);
}

/**
 * What a sign-in for an unknown account is checked against, so both failures cost the same: a
 * well-formed hash with the current parameters, of random bytes that no password derives. Made
 * without hashing anything — a dummy computed on first use was cached even when that hash was
 * refused (a full queue), and from then on only unknown accounts answered 503.
 */
const DUMMY_HASH = ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, randomBytes(16).toString('base64url'), randomBytes(KEY_LENGTH).toString('base64url')].join('$');
export const dummyHash = (): string => DUMMY_HASH;
