import { hash } from 'node:crypto';

/**
 * A strong ETag: a hash of the exact bytes of the representation (a string is hashed as its
 * UTF-8 bytes, so the text and its encoding give the same tag).
 */
export function etagOf(representation: string | Uint8Array): string {
  return `"${hash('sha256', representation, 'base64url').slice(0, 27)}"`;
}

/** The entity tags of an If-Match / If-None-Match value; `*` stays `*`. */
function tags(header: string): string[] {
  return header
    .split(',')
    .map((tag) => tag.trim())
    .filter(Boolean);
}

/** If-None-Match uses the weak comparison: `W/"x"` matches `"x"`. */
export function noneMatch(header: string, etag: string): boolean {
  return tags(header).some((tag) => tag === '*' || tag.replace(/^W\//, '') === etag);
}

/** If-Match uses the strong comparison: a weak tag never matches. */
export function matches(header: string, etag: string): boolean {
  return tags(header).some((tag) => tag === '*' || tag === etag);
}
