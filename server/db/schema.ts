import type { ColumnType, Selectable } from 'kysely';
import type { PostStatusValue } from '../../contracts/posts/schemas.ts';
import type { Scope } from '../../contracts/shared/auth.ts';

/** Timestamps are read as Date and written as Date; PostgreSQL stores them as timestamptz. */
type Timestamp = ColumnType<Date, Date, Date>;

export interface PostsTable {
  id: string;
  slug: string;
  title: string;
  body: string;
  /** The author's excerpt; null means "derive it from the body". */
  excerpt: string | null;
  status: PostStatusValue;
  tags: string[];
  created_at: Timestamp;
  updated_at: Timestamp;
  published_at: ColumnType<Date | null, Date | null, Date | null>;
  author_id: string;
}

export interface UsersTable {
  id: string;
  email: string;
  username: string;
  display_name: string;
  password_hash: string;
  is_admin: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface TokensTable {
  id: string;
  user_id: string;
  name: string;
  secret_hash: string;
  prefix: string;
  scopes: Scope[];
  created_at: Timestamp;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export interface RateLimitCountersTable {
  bucket: string;
  window_start: Date;
  hits: number;
}

export interface Database {
  posts: PostsTable;
  users: UsersTable;
  tokens: TokensTable;
  rate_limit_counters: RateLimitCountersTable;
}

export type PostRow = Selectable<PostsTable>;
export type UserRow = Selectable<UsersTable>;
export type TokenRow = Selectable<TokensTable>;
