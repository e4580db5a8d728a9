import type { Kysely } from 'kysely';
import { rm } from 'node:fs/promises';
import contentDisposition from 'content-disposition';
import { imageTooLarge, mediaInUse, mediaNotFound, mediaQuotaExceeded, mediaUnreadable, rangeNotSatisfiable } from '../../contracts/media/errors.ts';
import type { MediaType, MediaUpdateInput } from '../../contracts/media/schemas.ts';
import { PIPELINE_ERRORS } from '../../contracts/shared/errors.ts';
import { config } from '../config.ts';
import { db } from '../db/index.ts';
import { keyset } from '../db/keyset.ts';
import type { Database } from '../db/schema.ts';
import { transact } from '../db/transact.ts';
import { matches, noneMatch } from '../etag.ts';
import { fail, isFailure } from '../failure.ts';
import type { UploadedFile } from '../http/binary-types.ts';
import type { Caller } from '../identity/caller.ts';
import { newId } from '../ids.ts';
import { safeFilename } from './filename.ts';
import { inspect } from './inspect.ts';
import { ensureStored, releaseObject } from './objects.ts';
import { log } from '../log.ts';
import { ID_PREFIX, loadMedia, mediaEtag, selectMedia, toMedia, visibleTo, type MediaRow } from './read-model.ts';
import { mediaStorage } from './storage/index.ts';
import { byteRange, rangeStillValid } from './byte-range.ts';

const mediaKeyset = keyset(ID_PREFIX);
const notFound = (id: string) => fail(mediaNotFound, `No media ${id} that you may see.`);

export async function listMedia(options: { limit: number; cursor?: string }, caller: Caller) {
  let query = selectMedia(db())
    .orderBy('media.created_at', 'desc')
    .orderBy('media.id', 'desc')
    .limit(options.limit + 1);
  // Administrators list everyone's.
  if (!caller.scopes.has('admin')) query = query.where('media.owner_id', '=', caller.userId);
  const after = mediaKeyset.after(options.cursor);
  if (after) query = query.where((eb) => eb(eb.refTuple('media.created_at', 'media.id'), '<', eb.tuple(after.createdAt, after.id)));
  const rows = (await query.execute()) as MediaRow[];
  return mediaKeyset.page(rows, options.limit, toMedia, (row) => ({ createdAt: row.created_at, id: row.id }));
}

/**
 * Stores an upload: checks what the bytes are (pixels, readability), removes a JPEG's metadata,
 * stores the object, then — in one transaction, under the owner's lock so concurrent uploads
 * cannot both squeeze under the quota — checks the quota and inserts the row. The bytes are
 * stored before the row commits; if the row does not commit, the bytes go again (unless another
 * row names them), and a crash in between leaves an object the sweep removes (./sweep.ts).
 */
export async function uploadMedia(input: { alt: string; filename?: string; file: UploadedFile }, caller: Caller) {
  const { file } = input;
  if (config.media.types && !config.media.types.includes(file.mediaType)) {
    return fail(PIPELINE_ERRORS.unsupported_media_type, `This server accepts ${config.media.types.join(', ')}; the file is ${file.mediaType}.`);
  }
  const inspection = await inspect(file.path, file.mediaType, { maxPixels: config.media.maxPixels, stripMetadata: config.media.stripMetadata });
  if (inspection.kind === 'too_large') return fail(imageTooLarge, inspection.detail);
  if (inspection.kind === 'unreadable') return fail(mediaUnreadable, `The file starts like ${file.mediaType} but cannot be read as one.`);
  const stored = inspection.stripped ?? { path: file.path, size: file.size, sha256: file.sha256 };
  const key = stored.sha256;
  try {
    await mediaStorage().put(key, stored.path, stored.size);
    const created = await transact(db(), async (trx) => {
      await trx.selectFrom('users').select('id').where('id', '=', caller.userId).forNoKeyUpdate().execute();
      const used = await trx.selectFrom('media').select((eb) => eb.fn.sum<string | number | null>('size').as('total')).where('owner_id', '=', caller.userId).executeTakeFirst();
      const total = Number(used?.total ?? 0) + stored.size;
      if (total > config.media.quotaBytes) {
        return fail(mediaQuotaExceeded, `This upload would bring your media to ${total} bytes; your quota is ${config.media.quotaBytes}.`);
      }
      await ensureStored(trx, key, stored.path, stored.size);
      const now = new Date();
      const id = newId(ID_PREFIX, now.getTime());
      await trx
        .insertInto('media')
        .values({
          id,
          owner_id: caller.userId,
          filename: input.filename ?? safeFilename(file.filename, file.mediaType),
          content_type: file.mediaType,
          size: stored.size,
          sha256: stored.sha256,
          storage_key: key,
          width: inspection.width,
          height: inspection.height,
          alt: input.alt,
          created_at: now,
          updated_at: now,
        })
        .execute();
      return toMedia((await loadMedia(trx, id))!);
    });
    if (isFailure(created)) await releaseObject(key);
    return created;
  } catch (error) {
    await releaseObject(key).catch(() => undefined);
    throw error;
  } finally {
    if (inspection.stripped) await rm(inspection.stripped.path, { force: true });
  }
}

export async function getMedia(id: string, caller: Caller | null) {
  const row = await loadMedia(db(), id);
  if (!row || !visibleTo(row, caller, 'read')) return notFound(id);
  return toMedia(row);
}

/** The caching a download may have: public media read anonymously may sit in shared caches a little while. */
function cacheControl(row: MediaRow, caller: Caller | null): string {
  return caller === null && row.is_public ? 'public, max-age=60, stale-while-revalidate=300' : 'private, no-cache';
}

/**
 * The bytes, whole or one range of them (RFC 9110 §14; ./byte-range.ts says which ranges are
 * served): a Range wholly past the end is 416, one to ignore — or sent with an If-Range that is
 * not this content's ETag — gets the whole content. An If-None-Match naming this content is
 * weighed before any Range (RFC 9110 §13.2.2): its 304 (renderBinary) comes first, never a 416.
 */
export async function mediaContent(id: string, caller: Caller | null, asked: { range?: string; 'if-range'?: string; 'if-none-match'?: string }) {
  const row = await loadMedia(db(), id);
  if (!row || !visibleTo(row, caller, 'read')) return notFound(id);
  const size = Number(row.size);
  const mediaType = row.content_type as MediaType;
  const headers = {
    'Accept-Ranges': 'bytes' as const,
    // An ASCII `filename` for old clients, `filename*` (RFC 8187) with the real name for the rest.
    'Content-Disposition': contentDisposition(row.filename, {
      type: mediaType.startsWith('image/') ? 'inline' : 'attachment',
      fallback: row.filename.replace(/[^\x20-\x7E]/gu, '?'),
    }),
    'Cache-Control': cacheControl(row, caller),
  };
  const etag = `"${row.sha256}"`;
  const key = row.storage_key;
  const held = asked['if-none-match'] !== undefined && noneMatch(asked['if-none-match'], etag);
  const range = asked.range && !held && rangeStillValid(asked['if-range'], etag) ? byteRange(asked.range, size) : undefined;
  if (range === 'unsatisfiable') return fail(rangeNotSatisfiable, `The content has ${size} bytes.`, { 'Content-Range': `bytes */${size}` });
  if (!range) return { status: 200 as const, binary: { open: () => mediaStorage().open(key), mediaType, length: size, etag }, headers };
  const { start, end } = range;
  return {
    status: 206 as const,
    binary: { open: () => mediaStorage().open(key, { start, end }), mediaType, length: end - start + 1, etag },
    headers: { ...headers, 'Content-Range': `bytes ${start}-${end}/${size}` },
  };
}

/** The media, locked, if the caller may change it and — with If-Match — it is unchanged since they read it. */
async function lockForWrite(trx: Kysely<Database>, id: string, caller: Caller, ifMatch: string | undefined) {
  await trx.selectFrom('media').select('id').where('id', '=', id).forUpdate().execute();
  const row = await loadMedia(trx, id);
  if (!row || !visibleTo(row, caller, 'write')) return notFound(id);
  if (ifMatch !== undefined && !matches(ifMatch, mediaEtag(row))) {
    return fail(PIPELINE_ERRORS.precondition_failed, 'The media changed since you read it: fetch it again and reapply your change.');
  }
  return row;
}

export async function updateMedia(id: string, patch: MediaUpdateInput, caller: Caller, ifMatch?: string) {
  return transact(db(), async (trx) => {
    const current = await lockForWrite(trx, id, caller, ifMatch);
    if (isFailure(current)) return current;
    if (Object.keys(patch).length === 0) return toMedia(current);
    await trx
      .updateTable('media')
      .set({ ...(patch.alt !== undefined && { alt: patch.alt }), ...(patch.filename !== undefined && { filename: patch.filename }), updated_at: new Date() })
      .where('id', '=', id)
      .execute();
    return toMedia((await loadMedia(trx, id))!);
  });
}

/** Refused while a post shows it (409): detaching it is the author's decision, not a side effect. */
export async function deleteMedia(id: string, caller: Caller, ifMatch?: string) {
  const deleted = await transact(db(), async (trx) => {
    const current = await lockForWrite(trx, id, caller, ifMatch);
    if (isFailure(current)) return current;
    const user = await trx.selectFrom('posts').select('id').where('cover_media_id', '=', id).limit(1).executeTakeFirst();
    if (user) return fail(mediaInUse, `The post ${user.id} has this media as its cover.`);
    await trx.deleteFrom('media').where('id', '=', id).execute();
    return { key: current.storage_key };
  });
  if (isFailure(deleted)) return deleted;
  // The bytes go once the row's removal is committed, never before (a commit that failed after
  // them left a row with nothing to serve); should this fail, or the process die first, the
  // sweep takes them later.
  await releaseObject(deleted.key).catch((error: unknown) => log.warn({ err: error, key: deleted.key }, 'could not remove a deleted media object; the sweep will'));
  return undefined;
}
