/**
 * Passwords. A sign-in for an unknown account is checked against a dummy hash, so it costs what a
 * wrong password costs. The dummy is a constant made without hashing: one computed on first use
 * was cached even when the hash queue refused it, and every unknown email answered 503 from then
 * on while known ones answered 401 — which told anyone which emails have accounts. And a new
 * password's length is counted as it is hashed (NFC).
 */
import { describe, expect, it } from 'vitest';
import { UserCreate } from '../../contracts/users/schemas.ts';
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

describe('a new password', () => {
  const account = { email: 'ada@example.com', username: 'ada_nfc', display_name: 'Ada' };
  it('is at least 10 characters as it is hashed (NFC), not as it was typed', () => {
    // Five `e` + combining acute: ten code points, five characters once normalised.
    const combining = 'e\u0301'.repeat(5);
    expect(combining.length).toBe(10);
    const refused = UserCreate.safeParse({ ...account, password: combining });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues.map((issue) => issue.path.join('/'))).toEqual(['password']);
    expect(UserCreate.safeParse({ ...account, password: 'e\u0301'.repeat(10) }).success).toBe(true);
    expect(UserCreate.safeParse({ ...account, password: 'correct horse' }).success).toBe(true);
    // Short as typed: the length issue alone.
    expect(UserCreate.safeParse({ ...account, password: 'short' }).error?.issues).toHaveLength(1);
  });
});
