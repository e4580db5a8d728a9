import { z } from '../zod.ts';
import { binary, multipart } from '../binary.ts';
import { defineOperation, json } from '../operation.ts';
import { defineResource } from '../resource.ts';
import { bearer, optionalBearer } from '../shared/auth.ts';
import { PIPELINE_ERRORS } from '../shared/errors.ts';
import { paginationQuery } from '../shared/pagination.ts';
import { HeaderText } from '../shared/protocol.ts';
import { imageTooLarge, mediaInUse, mediaNotFound, mediaQuotaExceeded, mediaUnreadable, rangeNotSatisfiable } from './errors.ts';
import { MEDIA_MAX_BYTES, MEDIA_TYPES, Media, MediaId, MediaPage, MediaUpdate, MediaUploadFields, mediaExample } from './schemas.ts';

const TAG = 'Media';
const tags = [TAG] as const;
const byId = z.object({ mediaId: MediaId });
const fromCreated = (operationId: string, description: string) => ({ operationId, parameters: { mediaId: '$response.body#/id' }, description });

/** Who may see media: its owner (with `media:read`) and admins; anyone, when it is the cover of a published post. */
const VISIBILITY =
  'Media is visible to its owner (with `media:read`) and to administrators; media that is the cover of a published post ' +
  'is public. To anyone else it does not exist (404).';

export const listMedia = defineOperation({
  operationId: 'listMedia',
  method: 'get',
  path: '/api/v1/media',
  summary: 'List your media',
  description: 'Lists your uploads, newest first, a page at a time (administrators: everyone’s). Needs `media:read`.',
  tags,
  auth: bearer('media:read'),
  request: { query: z.object(paginationQuery) },
  responses: { 200: { description: 'A page of media.', content: json(MediaPage, { data: [mediaExample], has_more: false, next_cursor: null }) } },
  errors: [],
});

export const createMedia = defineOperation({
  operationId: 'createMedia',
  method: 'post',
  path: '/api/v1/media',
  summary: 'Upload a file',
  description:
    'Uploads an image (PNG, JPEG, WebP, GIF, AVIF) or a PDF as `multipart/form-data`: the `file` part and its `alt` text. ' +
    'The type is read from the bytes: another type, or one that disagrees with the part’s declared type, is 415. A file over ' +
    'the size limit (25 MiB by default) is 413 — as soon as the limit is passed, whatever `Content-Length` said; an image ' +
    'of more pixels than the server allows is 422, as is one that cannot be read; past your storage quota, 409. Location ' +
    'metadata goes: a JPEG carrying EXIF, XMP or IPTC metadata is stored re-encoded without it (orientation applied, so it ' +
    'looks the same), and its `size` and `sha256` are those of the stored bytes. Identical files are stored once. Answers ' +
    '201 with the media and its URL in `Location`. Needs `media:write`.',
  tags,
  auth: bearer('media:write'),
  request: {
    multipart: multipart({
      description: 'The file and its alternative text.',
      fields: MediaUploadFields,
      file: { name: 'file', description: 'The file’s bytes.', mediaTypes: MEDIA_TYPES, maxBytes: MEDIA_MAX_BYTES },
      example: { alt: 'Boats in a harbour at dawn' },
    }),
  },
  responses: {
    201: {
      description: 'The file was stored.',
      content: json(Media, mediaExample),
      headers: z.object({ Location: z.string().openapi({ description: 'The URL of the new media.', example: '/api/v1/media/media_01jdq8m4k2c9v7x3n5r6t8w0yz' }) }),
      links: {
        GetMedia: fromCreated('getMedia', 'Read the new media’s metadata.'),
        GetMediaContent: fromCreated('getMediaContent', 'Download the new media.'),
        UpdateMedia: fromCreated('updateMedia', 'Change the new media’s alt text or filename.'),
        DeleteMedia: fromCreated('deleteMedia', 'Delete the new media.'),
      },
    },
  },
  errors: [mediaQuotaExceeded, imageTooLarge, mediaUnreadable, PIPELINE_ERRORS.unsupported_media_type],
});

export const getMedia = defineOperation({
  operationId: 'getMedia',
  method: 'get',
  path: '/api/v1/media/{mediaId}',
  summary: 'Get media',
  description: `Returns the metadata of one upload. ${VISIBILITY}`,
  tags,
  auth: optionalBearer,
  conditional: 'read',
  cache: 'public',
  request: { params: byId },
  responses: { 200: { description: 'The media.', content: json(Media, mediaExample) } },
  errors: [mediaNotFound],
});

const Disposition = z.string().openapi({
  description: 'How to present the bytes, with their filename (RFC 6266; `filename*` for non-ASCII names, RFC 8187): `inline` for images, `attachment` for PDF.',
  example: 'inline; filename="harbour.png"',
});
const AcceptRanges = z.enum(['bytes']).openapi({ description: 'Byte ranges of the content may be asked for with `Range`.', example: 'bytes' });
const ContentCacheControl = z.string().openapi({
  description:
    'Public media read anonymously: `public, max-age=60, stale-while-revalidate=300` (its bytes never change, but the post that makes it public may change); ' +
    'anything read with credentials: `private, no-cache` (kept, but revalidated with its ETag).',
  example: 'private, no-cache',
});

export const getMediaContent = defineOperation({
  operationId: 'getMediaContent',
  method: 'get',
  path: '/api/v1/media/{mediaId}/content',
  summary: 'Download media',
  description:
    `Streams the bytes, in the type they were uploaded as. ${VISIBILITY} The \`ETag\` is the bytes’ SHA-256: ` +
    '`If-None-Match` with it answers 304. `Range: bytes=<first>-<last>` (one range; suffixes like `bytes=-500` too) answers 206 ' +
    'with that part and `Content-Range` (several that overlap or touch are merged into one; a suffix longer than the content is all of it); ' +
    'a range wholly past the end is 416. A `Range` that is not one byte range, or sent with an `If-Range` other than the ETag, is ignored (the whole content, 200).',
  tags,
  auth: optionalBearer,
  conditional: 'read',
  request: {
    params: byId,
    headers: z.object({
      // As long as If-Match may be: touching ranges, however many, are merged (a 245-character one was a 400).
      range: HeaderText(1024)
        .optional()
        .openapi({ description: 'One byte range (RFC 9110 §14.2), e.g. `bytes=0-1023` or `bytes=-1024` (the last 1024 bytes).', example: 'bytes=0-1023' }),
      'if-range': HeaderText(200)
        .optional()
        .openapi({
          description:
            'The ETag of the content a client already holds part of (RFC 9110 §13.1.5): the range is sent only while it is still that content; otherwise the whole content (200). A date never matches (there is no Last-Modified).',
          example: '"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"',
        }),
    }),
  },
  responses: {
    200: {
      description: 'The whole content.',
      binary: binary(MEDIA_TYPES, 'The bytes.'),
      headers: z.object({ 'Accept-Ranges': AcceptRanges, 'Content-Disposition': Disposition, 'Cache-Control': ContentCacheControl }),
    },
    206: {
      description: 'The range asked for.',
      binary: binary(MEDIA_TYPES, 'The bytes of the range.'),
      headers: z.object({
        'Content-Range': z.string().openapi({ description: 'Which bytes these are, of how many: `bytes <first>-<last>/<size>`.', example: 'bytes 0-1023/48213' }),
        'Accept-Ranges': AcceptRanges,
        'Content-Disposition': Disposition,
        'Cache-Control': ContentCacheControl,
      }),
    },
  },
  errors: [mediaNotFound, rangeNotSatisfiable],
});

export const updateMedia = defineOperation({
  operationId: 'updateMedia',
  method: 'patch',
  path: '/api/v1/media/{mediaId}',
  summary: 'Update media',
  description: 'Changes the alt text or filename (the bytes never change: upload anew). Only the owner, or an admin. Needs `media:write`.',
  tags,
  auth: bearer('media:write'),
  conditional: 'write',
  request: { params: byId, body: { description: 'The fields to change.', ...json(MediaUpdate, { alt: 'Fishing boats in a harbour at dawn' }) } },
  responses: { 200: { description: 'The updated media.', content: json(Media, { ...mediaExample, alt: 'Fishing boats in a harbour at dawn' }) } },
  errors: [mediaNotFound, PIPELINE_ERRORS.precondition_failed],
});

export const deleteMedia = defineOperation({
  operationId: 'deleteMedia',
  method: 'delete',
  path: '/api/v1/media/{mediaId}',
  summary: 'Delete media',
  description:
    'Deletes an upload; it then answers 404. Refused with 409 `media_in_use` while a post has it as its cover: change the ' +
    'post’s `cover_media_id` first (Folio never leaves a post pointing at nothing, nor changes a post behind its author’s ' +
    'back). The bytes go when no other upload has the same content. Only the owner, or an admin. Needs `media:write`.',
  tags,
  auth: bearer('media:write'),
  conditional: 'write',
  request: { params: byId },
  responses: { 204: { description: 'The media was deleted.' } },
  errors: [mediaNotFound, mediaInUse, PIPELINE_ERRORS.precondition_failed],
});

export const media = defineResource({
  tag: { name: TAG, description: 'Uploaded images and PDFs: their metadata, and their bytes.' },
  operations: [listMedia, createMedia, getMedia, updateMedia, deleteMedia, getMediaContent],
});
