import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { userNotFound } from '../../contracts/users/errors.ts';
import { fail } from '../failure.ts';

/**
 * Administrator rights: granted and withdrawn only by an operator with access to the database
 * (`npm run admin`, scripts/admin.ts). Withdrawal takes effect on the next request: a token's
 * `admin` scope counts only while its user is an administrator (server/http/authenticate.ts).
 */
export async function setAdmin(conn: Kysely<Database>, username: string, isAdmin: boolean) {
  const row = await conn
    .updateTable('users')
    .set({ is_admin: isAdmin, updated_at: new Date() })
    .where('username', '=', username)
    .returning('id')
    .executeTakeFirst();
  return row ? undefined : fail(userNotFound, `No user is called ${username}.`);
}

export async function listAdmins(conn: Kysely<Database>): Promise<{ username: string; email: string }[]> {
  return conn.selectFrom('users').select(['username', 'email']).where('is_admin', '=', true).orderBy('username').execute();
}
