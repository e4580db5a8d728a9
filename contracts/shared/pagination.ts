import { z } from '../zod.ts';
import { queryInteger } from './primitives.ts';

/**
 * A cursor is the keyset position of the last item of the previous page, in base64url: 24 bytes
 * (creation time, id), or 32 when search results are ranked (rank first). It is opaque to
 * clients. Its pattern describes every cursor the server can read, so a malformed or tampered
 * cursor fails validation (400) like any other bad value, and any cursor it admits is a position.
 */
export const CURSOR_PATTERN = /^(?:[A-Za-z0-9_-]{32}|[A-Za-z0-9_-]{43})$/;

export const paginationQuery = {
  limit: queryInteger({ min: 1, max: 100, default: 20, description: 'How many items to return (1–100).' }),
  cursor: z
    .string()
    .min(32)
    .max(43)
    .regex(CURSOR_PATTERN, 'must be a next_cursor from a previous page')
    .optional()
    // No example: the reference would pre-fill it, and a made-up cursor finds nothing.
    .openapi({ description: 'The `next_cursor` of the previous page (an opaque string). Omit it for the first page.' }),
};

/** The envelope of every list: never a bare array. */
export function page<T extends z.ZodType>(item: T, name: string, description: string) {
  return z
    .object({
      data: z.array(item).openapi({ description: 'The items of this page, in order.' }),
      has_more: z.boolean().openapi({ description: 'Whether another page follows.', example: false }),
      next_cursor: z
        .string()
        .regex(CURSOR_PATTERN)
        .nullable()
        .openapi({ description: 'Pass as `cursor` to get the next page; null on the last page.', example: null }),
    })
    .openapi(name, { description });
}
