import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PostId } from '../../contracts/posts/schemas.ts';
import { bytesToUlid, newId, ulidToBytes } from '../../server/ids.ts';

describe('ids', () => {
  it('makes ids the contract accepts, unique and ordered by time', () => {
    const early = newId('post', Date.parse('2026-01-01T00:00:00Z'));
    const late = newId('post', Date.parse('2026-01-01T00:00:00.001Z'));
    expect(PostId.safeParse(early).success).toBe(true);
    expect(early < late).toBe(true);
    expect(new Set(Array.from({ length: 1000 }, () => newId('post'))).size).toBe(1000);
  });

  it('counts up within one millisecond, so ids made together keep their order', () => {
    const ms = Date.parse('2026-05-05T05:05:05.005Z');
    const ids = Array.from({ length: 50 }, () => newId('post', ms));
    expect([...ids].sort()).toEqual(ids);
  });

  it('converts 16 bytes to 26 characters and back', () => {
    for (let i = 0; i < 500; i++) {
      const bytes = new Uint8Array(randomBytes(16));
      expect(ulidToBytes(bytesToUlid(bytes))).toEqual(bytes);
    }
    expect(() => ulidToBytes('u'.repeat(26))).toThrow();
  });
});
