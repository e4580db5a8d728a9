/**
 * Migration 0016: filenames stored before C1 control characters were refused lose them, so the
 * media still conform to the document's Media (checked in every response).
 */
import { describe, expect, it } from 'vitest';
import { Media } from '../../contracts/media/schemas.ts';
import { db } from '../../server/db/index.ts';
import { up } from '../../server/db/migrations/0016-media-filename-controls.ts';
import { newId } from '../../server/ids.ts';

describe('migration 0016', () => {
  it('removes C1 control characters from stored filenames, leaving a name', async () => {
    const owner = newId('user');
    const now = new Date();
    await db().insertInto('users').values({ id: owner, email: `${owner}@example.com`, username: owner.slice(-20), display_name: 'Owner', password_hash: '!', is_admin: false, created_at: now, updated_at: now }).execute();
    const named = async (filename: string) => {
      const id = newId('media');
      await db()
        .insertInto('media')
        .values({ id, owner_id: owner, filename, content_type: 'image/png', size: 1, sha256: 'a'.repeat(64), storage_key: 'a'.repeat(64), width: 1, height: 1, alt: '', created_at: now, updated_at: now })
        .execute();
      return id;
    };
    const ids = [await named('next\u0085line.png'), await named('\u0080\u009F'), await named('plain.png')];
    await up(db() as never);
    const rows = await db().selectFrom('media').select(['id', 'filename']).where('id', 'in', ids).execute();
    expect(Object.fromEntries(rows.map((r) => [r.id, r.filename]))).toEqual({ [ids[0]!]: 'nextline.png', [ids[1]!]: 'file', [ids[2]!]: 'plain.png' });
    for (const { filename } of rows) expect(Media.shape.filename.safeParse(filename).success).toBe(true);
  });
});
