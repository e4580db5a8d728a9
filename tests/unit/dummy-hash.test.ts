/**
 * A sign-in for an unknown account is checked against a dummy hash, so it costs what a wrong
 * password costs. The dummy is a constant made without hashing: one computed on first use was
 * cached even when the hash queue refused it, and every unknown email answered 503 from then on
 * while known ones answered 401 — which told anyone which emails have accounts.
 */
import { describe, expect, it } from 'vitest';
import { dummyHash, hashPassword, verifyPassword } from '../../server/auth/password.ts';

describe('the dummy hash', () => {
  it('is a well-formed hash with the current parameters, made without hashing, that no password matches', async () => {
    const dummy = dummyHash();
    expect(typeof dummy).toBe('string');
    expect(dummyHash()).toBe(dummy);
    const real = await hashPassword('correct horse battery staple');
    // Same scheme and parameters as a real hash: checking against it costs the same.
    expect(dummy.split('$').slice(0, 4)).toEqual(real.split('$').slice(0, 4));
    expect(dummy.split('$').map((part) => part.length)).toEqual(real.split('$').map((part) => part.length));
    for (const password of ['correct horse battery staple', '', 'x'.repeat(64)]) expect(await verifyPassword(password, dummy)).toBe(false);
  });
});
