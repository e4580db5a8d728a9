import type { UserResource } from '../../contracts/users/schemas.ts';
import type { UserRow } from '../db/schema.ts';

/** The public profile of an account: what anyone may see of it (never the email). */
export function toUser(row: Pick<UserRow, 'id' | 'username' | 'display_name' | 'created_at'>): UserResource {
  return { id: row.id, username: row.username, display_name: row.display_name, created_at: row.created_at.toISOString() };
}

/**
 * Resources that embed their author's profile (posts, comments) join `users` on their
 * `author_id` and select these columns, read back with authorOf().
 */
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
