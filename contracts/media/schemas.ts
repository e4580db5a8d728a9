import { z } from '../zod.ts';
import { page } from '../shared/pagination.ts';
import { identifier, text, Timestamp } from '../shared/primitives.ts';
import { User, userExample } from '../users/schemas.ts';

export const MediaId = identifier('media', 'The media’s opaque identifier.', 'media_01jdq8m4k2c9v7x3n5r6t8w0yz');

/**
 * What uploads may hold, read from their bytes: raster images and PDF. Never SVG (it can carry
 * script), HTML, scripts or executables. An operator may narrow this list (FOLIO_MEDIA_TYPES).
 */
export const MEDIA_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif', 'image/avif', 'application/pdf'] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];

/** The documented default upload limit (the server's is FOLIO_MEDIA_MAX_BYTES). */
export const MEDIA_MAX_BYTES = 25 * 1024 * 1024;

const ContentType = z.enum(MEDIA_TYPES).openapi({
  description: 'The type read from the bytes when they were uploaded (never the name’s or the client’s word). New values may be added: tolerate unknown ones.',
  example: 'image/png',
});

/**
 * Any Unicode but control characters (NUL included) and path separators: a filename is metadata,
 * shown and offered as the download's name, and never becomes a path on the server.
 */
export const Filename = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[^\u0000-\u001F\u007F-\u009F/\\]+$/, 'no control characters and no / or \\')
  .openapi({ description: 'The file’s name: any Unicode but control characters and `/` or `\\`, at most 255 characters.', example: 'harbour.png' });

const Alt = text({ max: 1000 }).openapi({
  description: 'Alternative text for readers who cannot see the image (empty for a purely decorative one).',
  example: 'Boats in a harbour at dawn',
});

/** The longest side an image may have (server/media/inspect.ts refuses longer ones). */
export const MAX_IMAGE_SIDE = 1_000_000;
const Dimension = z.int().min(1).max(MAX_IMAGE_SIDE).nullable();

export const Media = z
  .object({
    id: MediaId,
    filename: Filename,
    content_type: ContentType,
    size: z.int().min(0).max(Number.MAX_SAFE_INTEGER).openapi({ description: 'Bytes stored.', example: 48213 }),
    sha256: z
      .string()
      .length(64)
      .regex(/^[0-9a-f]{64}$/)
      .openapi({
        description: 'SHA-256 of the bytes stored, lowercase hex; the content’s `ETag` is this in quotes. (A JPEG whose metadata was removed is hashed after.)',
        example: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      }),
    width: Dimension.openapi({ description: 'Width in pixels, for images; null otherwise.', example: 1600 }),
    height: Dimension.openapi({ description: 'Height in pixels, for images; null otherwise.', example: 900 }),
    alt: Alt,
    owner: User,
    content_url: z.string().openapi({ description: 'Where the bytes are: `GET` it (Range requests welcome).', example: '/api/v1/media/media_01jdq8m4k2c9v7x3n5r6t8w0yz/content' }),
    created_at: Timestamp.openapi({ description: 'When it was uploaded (RFC 3339, UTC).' }),
    updated_at: Timestamp.openapi({ description: 'When its metadata last changed (RFC 3339, UTC).' }),
  })
  .openapi('Media', { description: 'An uploaded file (an image or a PDF): its metadata; the bytes are at `content_url`.' });

export const mediaExample: z.input<typeof Media> = {
  id: 'media_01jdq8m4k2c9v7x3n5r6t8w0yz',
  filename: 'harbour.png',
  content_type: 'image/png',
  size: 48213,
  sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
  width: 1600,
  height: 900,
  alt: 'Boats in a harbour at dawn',
  owner: userExample,
  content_url: '/api/v1/media/media_01jdq8m4k2c9v7x3n5r6t8w0yz/content',
  created_at: '2026-11-21T09:30:00.000Z',
  updated_at: '2026-11-21T09:30:00.000Z',
};

/** The text parts of an upload (the file is the form's `file` part). */
export const MediaUploadFields = z.strictObject({
  alt: Alt,
  filename: Filename.optional().openapi({ description: 'The name to keep, instead of the one the file part carries.' }),
});

export const MediaUpdate = z
  .strictObject({ alt: Alt.optional(), filename: Filename.optional() })
  .openapi('MediaUpdate', { description: 'The fields to change.' });

export const MediaPage = page(Media, 'MediaPage', 'A page of media, newest first.');

export type MediaResource = z.infer<typeof Media>;
export type MediaUpdateInput = z.infer<typeof MediaUpdate>;
