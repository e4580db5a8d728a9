import { randomBytes } from 'node:crypto';

// Crockford's base32, lowercase: no i, l, o or u, so ids survive being read aloud or retyped.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const VALUE = new Map([...ALPHABET].map((c, i) => [c, i]));

/** 16 bytes → 26 characters (130 bits, the top two always zero). */
export function bytesToUlid(bytes: Uint8Array): string {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  let out = '';
  for (let i = 0; i < 26; i++) {
    out = ALPHABET[Number(n & 31n)] + out;
    n >>= 5n;
  }
  return out;
}

/** The inverse of bytesToUlid for any 26-character string of the alphabet. */
export function ulidToBytes(ulid: string): Uint8Array {
  let n = 0n;
  for (const c of ulid) {
    const v = VALUE.get(c);
    if (v === undefined) throw new Error('not a ULID');
    n = (n << 5n) | BigInt(v);
  }
  const out = new Uint8Array(16);
  for (let i = 15; i >= 0; i--) {
    out[i] = Number(n & 255n);
    n >>= 8n;
  }
  return out;
}

let last: { ms: number; random: Uint8Array } = { ms: -1, random: new Uint8Array(10) };

/** Adds one to a big-endian byte string (the 80 random bits of the previous id). */
function increment(bytes: Uint8Array): Uint8Array {
  const next = bytes.slice();
  for (let i = next.length - 1; i >= 0 && ++next[i]! === 256; i--) next[i] = 0;
  return next;
}

/**
 * A new id such as `post_01jdq8m4k2c9v7x3n5r6t8w0yz`: 48 bits of milliseconds then 80 random
 * bits, so ids cannot be guessed. Within one millisecond the random part counts up (monotonic
 * ULIDs), so ids made by one process sort in creation order and break keyset ties the same way.
 */
export function newId(prefix: string, now = Date.now()): string {
  const random = now === last.ms ? increment(last.random) : new Uint8Array(randomBytes(10));
  last = { ms: now, random };
  const bytes = new Uint8Array(16);
  new DataView(bytes.buffer).setUint16(0, Math.floor(now / 2 ** 32));
  new DataView(bytes.buffer).setUint32(2, now % 2 ** 32);
  bytes.set(random, 6);
  return `${prefix}_${bytesToUlid(bytes)}`;
}
