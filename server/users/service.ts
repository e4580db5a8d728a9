import type { MeResource, MeUpdateInput, UserCreateInput, UserResource } from '../../contracts/users/schemas.ts';
import { hashPassword } from '../auth/password.ts';
import { db } from '../db/index.ts';
import { isUniqueViolation } from '../db/errors.ts';
import type { Kysely } from 'kysely';
import type { Database, UserRow } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { newId } from '../ids.ts';

export function toUser(row: Pick<UserRow, 'id' | 'username' | 'display_name' | 'created_at'>): UserResource {
  return { id: row.id, username: row.username, display_name: row.display_name, created_at: row.created_at.toISOString() };
}

/** The columns of a join with `users` that resources embedding their author (posts, comments) select. */
export const AUTHOR_COLUMNS = ['users.username as author_username', 'users.display_name as author_display_name', 'users.created_at as author_created_at'] as const;

export interface AuthorColumns {
  author_id: string;
  author_username: string;
  author_display_name: string;
  author_created_at: Date;
}

export function authorOf(row: AuthorColumns): UserResource {
  return toUser({ id: row.author_id, username: row.author_username, display_name: row.author_display_name, created_at: row.author_created_at });
}

function toMe(row: UserRow): MeResource {
  return { ...toUser(row), email: row.email, updated_at: row.updated_at.toISOString() };
}

/** Unique violations → the 409 the contract names (lower(email) has its own index). */
function conflict(error: unknown): AppError | undefined {
  if (isUniqueViolation(error, 'users_email_lower')) return new AppError('email_taken', 'An account already uses this email.');
  if (isUniqueViolation(error, 'users_username_key')) return new AppError('username_taken', 'This username is taken.');
  return undefined;
}

/**
 * Registers an account. Never an administrator: that is an operator's explicit act
 * (`npm run admin -- grant <username>`, scripts/admin.ts), not something an email can claim.
 */
export async function createUser(input: UserCreateInput, conn: Kysely<Database> = db()): Promise<MeResource> {
  const now = new Date();
  const passwordHash = await hashPassword(input.password);
  try {
    const row = await conn
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
    return toMe(row);
  } catch (error) {
    throw conflict(error) ?? error;
  }
}

export async function getUser(username: string): Promise<UserResource> {
  const row = await db().selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  if (!row) throw new AppError('user_not_found', `No user is called ${username}.`);
  return toUser(row);
}

export async function getMe(userId: string): Promise<MeResource> {
  const row = await db().selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirstOrThrow();
  return toMe(row);
}

export async function updateMe(userId: string, patch: MeUpdateInput): Promise<MeResource> {
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
    throw conflict(error) ?? error;
  }
}
