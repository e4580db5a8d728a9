import type { ColumnType, Selectable } from 'kysely';
import type { PostStatusValue } from '../../contracts/posts/schemas.ts';

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
}

export interface Database {
  posts: PostsTable;
}

export type PostRow = Selectable<PostsTable>;
