import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

// scrypt (memory-hard) with N=2^15, r=8: 32 MiB and tens of milliseconds per hash — OWASP's
// recommended floor for scrypt. Parameters are stored with each hash so they can be raised later.
const PARAMS = { N: 2 ** 15, r: 8, p: 1 };
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (error, key) => (error ? reject(error) : resolve(key))),
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

let dummy: Promise<string> | undefined;
/** A real hash to check against when the account does not exist, so both failures cost the same. */
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(16).toString('hex'));
  return dummy;
}
