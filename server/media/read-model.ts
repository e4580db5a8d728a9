import type { Kysely, Selectable } from 'kysely';
import { expandPath } from '../../contracts/operation.ts';
import { getMediaContent } from '../../contracts/media/operations.ts';
import { Media, type MediaResource } from '../../contracts/media/schemas.ts';
import type { Database, MediaTable } from '../db/schema.ts';
import { etagOf } from '../etag.ts';
import { canActFor, hasScope, type Caller } from '../identity/caller.ts';
import { AUTHOR_COLUMNS, authorOf, type AuthorColumns } from '../users/profile.ts';

export const ID_PREFIX = 'media';

export type MediaRow = Selectable<MediaTable> & AuthorColumns & { is_public: boolean };

/** Media with its owner's profile, and whether a published post shows it (which makes it public). */
export function selectMedia(conn: Kysely<Database>) {
  return conn
    .selectFrom('media')
    .innerJoin('users', 'users.id', 'media.owner_id')
    .selectAll('media')
    .select('media.owner_id as author_id')
    .select(AUTHOR_COLUMNS)
    .select((eb) =>
      eb
        .exists(eb.selectFrom('posts').select('posts.id').whereRef('posts.cover_media_id', '=', 'media.id').where('posts.status', '=', 'published'))
        .as('is_public'),
    );
}

export function loadMedia(conn: Kysely<Database>, id: string): Promise<MediaRow | undefined> {
  return selectMedia(conn).where('media.id', '=', id).executeTakeFirst() as Promise<MediaRow | undefined>;
}

export function toMedia(row: MediaRow): MediaResource {
  return {
    id: row.id,
    filename: row.filename,
    content_type: row.content_type as MediaResource['content_type'],
    size: Number(row.size),
    sha256: row.sha256,
    width: row.width,
    height: row.height,
    alt: row.alt,
    owner: authorOf(row),
    content_url: expandPath(getMediaContent.path, { mediaId: row.id }),
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

export function mediaEtag(row: MediaRow): string {
  return etagOf(JSON.stringify(Media.parse(toMedia(row))));
}

/**
 * Reading: the owner (with `media:read`) and admins see any media; everyone sees media a published
 * post shows as its cover. Writing: the owner and admins. To anyone else it does not exist.
 */
export function visibleTo(row: Pick<MediaRow, 'owner_id' | 'is_public'>, caller: Caller | null, intent: 'read' | 'write'): boolean {
  if (intent === 'write') return canActFor(caller, row.owner_id);
  if (row.is_public) return true;
  return canActFor(caller, row.owner_id) && (hasScope(caller, 'media:read') || hasScope(caller, 'admin'));
}
