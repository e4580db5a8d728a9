import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CURSOR_PATTERN } from '../../contracts/shared/pagination.ts';
import { decodeCursor, encodeCursor } from '../../server/db/cursor.ts';
import { newId } from '../../server/ids.ts';

describe('cursor', () => {
  it('round-trips a keyset position and matches the documented pattern', () => {
    const position = { createdAt: new Date('2026-11-21T09:30:00.123Z'), id: newId('post') };
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(CURSOR_PATTERN);
    expect(decodeCursor(cursor, 'post')).toEqual(position);
  });

  it('decodes every string the pattern admits to a position inside PostgreSQL’s range', () => {
    for (let i = 0; i < 2000; i++) {
      const cursor = randomBytes(24).toString('base64url');
      expect(cursor).toMatch(CURSOR_PATTERN);
      const { createdAt, id } = decodeCursor(cursor, 'post');
      expect(createdAt.getUTCFullYear()).toBeGreaterThanOrEqual(1);
      expect(createdAt.getUTCFullYear()).toBeLessThanOrEqual(9999);
      expect(id).toMatch(/^post_[0-9a-hjkmnp-tv-z]{26}$/);
    }
  });
});
