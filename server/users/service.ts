import type { MeResource, MeUpdateInput, UserCreateInput } from '../../contracts/users/schemas.ts';
import { emailTaken, usernameTaken, userNotFound } from '../../contracts/users/errors.ts';
import { hashPassword } from '../auth/password.ts';
import { db } from '../db/index.ts';
import { isUniqueViolation } from '../db/errors.ts';
import type { Kysely } from 'kysely';
import type { Database, UserRow } from '../db/schema.ts';
import { transact } from '../db/transact.ts';
import { PUBLIC, recordEvent } from '../events/log.ts';
import { fail } from '../failure.ts';
import { toUser } from './profile.ts';
import { newId } from '../ids.ts';

function toMe(row: UserRow): MeResource {
  return { ...toUser(row), email: row.email, updated_at: row.updated_at.toISOString() };
}

/** Unique violations → the 409 the contract names (lower(email) has its own index); anything else is thrown on. */
function conflict(error: unknown) {
  if (isUniqueViolation(error, 'users_email_lower')) return fail(emailTaken, 'An account already uses this email.');
  if (isUniqueViolation(error, 'users_username_key')) return fail(usernameTaken, 'This username is taken.');
  throw error;
}

/**
 * Registers an account. Never an administrator: that is an operator's explicit act
 * (`npm run admin -- grant <username>`, scripts/admin.ts), not something an email can claim.
 */
export async function createUser(input: UserCreateInput, conn: Kysely<Database> = db()) {
  const now = new Date();
  const passwordHash = await hashPassword(input.password);
  try {
    const row = await transact(conn, async (trx) => {
      const created = await trx
        .insertInto('users')
        .values({
          id: newId('user'),
          email: input.email,
          username: input.username,
          display_name: input.display_name,
          password_hash: passwordHash,
          is_admin: false,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordEvent(trx, 'user.created', { user_id: created.id, username: created.username }, PUBLIC);
      return created;
    });
    return toMe(row);
  } catch (error) {
    return conflict(error);
  }
}

export async function getUser(username: string) {
  const row = await db().selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  return row ? toUser(row) : fail(userNotFound, `No user is called ${username}.`);
}

export async function getMe(userId: string): Promise<MeResource> {
  const row = await db().selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirstOrThrow();
  return toMe(row);
}

export async function updateMe(userId: string, patch: MeUpdateInput) {
  if (Object.keys(patch).length === 0) return getMe(userId);
  try {
    const row = await db()
      .updateTable('users')
      .set({ ...patch, updated_at: new Date() })
      .where('id', '=', userId)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toMe(row);
  } catch (error) {
    return conflict(error);
  }
}
