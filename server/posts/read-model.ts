import type { Kysely } from 'kysely';
import { Post, type PostResource } from '../../contracts/posts/schemas.ts';
import type { Database, PostRow } from '../db/schema.ts';
import { etagOf } from '../etag.ts';
import { canActFor, hasScope, type Caller } from '../identity/caller.ts';
import { AUTHOR_COLUMNS, authorOf, type AuthorColumns } from '../users/profile.ts';
import { deriveExcerpt } from './excerpt.ts';

export const ID_PREFIX = 'post';

const POST_COLUMNS = [
  'posts.id',
  'posts.slug',
  'posts.title',
  'posts.body',
  'posts.excerpt',
  'posts.status',
  'posts.tags',
  'posts.author_id',
  'posts.created_at',
  'posts.updated_at',
  'posts.published_at',
  'posts.cover_media_id',
] as const;

/** Posts joined with their author: the shape every read returns (never the search vector). */
export function selectPosts(conn: Kysely<Database>) {
  return conn
    .selectFrom('posts')
    .innerJoin('users', 'users.id', 'posts.author_id')
    .select(POST_COLUMNS)
    .select(AUTHOR_COLUMNS);
}

export type PostWithAuthor = Omit<PostRow, 'search' | 'title_search'> & AuthorColumns;

export function loadPost(conn: Kysely<Database>, id: string): Promise<PostWithAuthor | undefined> {
  return selectPosts(conn).where('posts.id', '=', id).executeTakeFirst();
}

export function toPost(row: PostWithAuthor): PostResource {
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    body: row.body,
    excerpt: row.excerpt ?? deriveExcerpt(row.body),
    status: row.status,
    tags: row.tags,
    author: authorOf(row),
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    published_at: row.published_at?.toISOString() ?? null,
    cover_media_id: row.cover_media_id,
  };
}

/** The ETag the binding sends for this post: a hash of exactly the bytes of its representation. */
export function postEtag(row: PostWithAuthor): string {
  return etagOf(JSON.stringify(Post.parse(toPost(row))));
}

/** A draft exists only for its author (reading with `posts:read`) and admins; to anyone else it is 404. */
export function visibleTo(post: Pick<PostRow, 'status' | 'author_id'>, caller: Caller | null, intent: 'read' | 'write'): boolean {
  if (post.status === 'published') return true;
  return canActFor(caller, post.author_id) && (intent === 'write' || hasScope(caller, 'posts:read') || hasScope(caller, 'admin'));
}
