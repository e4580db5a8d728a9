/** The operator's administrator command (scripts/admin.ts) on the embedded database. */
import { describe, expect, it } from 'vitest';
import { runAdmin } from '../../scripts/admin.ts';
import { db } from '../../server/db/index.ts';

describe('npm run admin', () => {
  it('creates an administrator, grants and revokes the right, and lists who holds it', async () => {
    process.env.FOLIO_ADMIN_PASSWORD = 'operator chosen password';
    try {
      expect(await runAdmin(db(), ['create', 'root_op', '--email', 'root@example.com'])).toContain('created as an administrator');
    } finally {
      delete process.env.FOLIO_ADMIN_PASSWORD;
    }
    await db()
      .insertInto('users')
      .values({ id: 'user_01jdq8m4k2c9v7x3n5r6t8w0yz', email: 'ada@example.com', username: 'ada', display_name: 'Ada', password_hash: '!', is_admin: false, created_at: new Date(), updated_at: new Date() })
      .execute();
    expect(await runAdmin(db(), ['list'])).toBe('root_op <root@example.com>');
    await runAdmin(db(), ['grant', 'ada']);
    expect(await runAdmin(db(), ['list'])).toBe('ada <ada@example.com>\nroot_op <root@example.com>');
    await runAdmin(db(), ['revoke', 'root_op']);
    expect(await runAdmin(db(), ['list'])).toBe('ada <ada@example.com>');
  });

  it('refuses an unknown user, a bad command and an invalid new account', async () => {
    await expect(runAdmin(db(), ['grant', 'nobody_here'])).rejects.toThrow('No user is called nobody_here.');
    await expect(runAdmin(db(), ['promote', 'ada'])).rejects.toThrow(/usage/);
    process.env.FOLIO_ADMIN_PASSWORD = '          ';
    try {
      await expect(runAdmin(db(), ['create', 'blank_pw', '--email', 'blank@example.com'])).rejects.toThrow(/password/);
    } finally {
      delete process.env.FOLIO_ADMIN_PASSWORD;
    }
  });
});
