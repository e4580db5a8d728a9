import { hash } from 'node:crypto';
import Negotiator from 'negotiator';

/**
 * A strong ETag: a hash of the exact bytes of the representation (a string is hashed as its
 * UTF-8 bytes, so the text and its encoding give the same tag).
 */
export function etagOf(representation: string | Uint8Array): string {
  return `"${hash('sha256', representation, 'base64url').slice(0, 27)}"`;
}

/**
 * A content-coded representation (gzip, br, deflate: the front server's, server/start.ts) is
 * another representation, with its own strong tag (RFC 9110 §8.8.3): the identity's with
 * `.<coding>` inside the quotes — never part of a tag of ours otherwise (base64url and hex have no
 * dot). Conditions compare the representation named, so a tag read from a compressed answer
 * serves If-Match and If-None-Match as well as the identity's.
 */
const CODING_SUFFIX = /\.(gzip|br|deflate)"$/;

/** The tag of `etag`'s representation coded with `coding`. */
export function codedTag(etag: string, coding: string): string {
  return etag.replace(/"$/, `.${coding}"`);
}

/** The entity tags of an If-Match / If-None-Match value, each as it was sent; `*` stays `*`. */
function tags(header: string): string[] {
  return header
    .split(',')
    .map((tag) => tag.trim())
    .filter(Boolean);
}

/** The identity representation's tag a (possibly coded) tag names. */
const identityOf = (tag: string) => tag.replace(CODING_SUFFIX, '"');

/**
 * Whether `tag` (weak or not) names the representation of `etag` this request would get: the
 * identity's, or a coding the request accepts — a cache holding the gzip one must not be told it
 * still serves a client that cannot read gzip.
 */
function namesSelected(tag: string, etag: string, acceptEncoding: string | null | undefined): boolean {
  const bare = tag.replace(/^W\//, '');
  if (bare === etag) return true;
  const coding = CODING_SUFFIX.exec(bare)?.[1];
  return coding !== undefined && identityOf(bare) === etag && new Negotiator({ headers: { 'accept-encoding': acceptEncoding ?? '' } }).encodings([coding]).length > 0;
}

/** If-None-Match uses the weak comparison: `W/"x"` matches `"x"` (and a coding this request accepts, its coded tag). */
export function noneMatch(header: string, etag: string, acceptEncoding?: string | null): boolean {
  return tags(header).some((tag) => tag === '*' || namesSelected(tag, etag, acceptEncoding));
}

/**
 * The 304 for a representation of `contentType`. It carries that type so the front server's
 * compression varies it on Accept-Encoding exactly as it varies the 200 — a 304 has the Vary its
 * 200 would (RFC 9110 §15.4.5) — and the front server then takes it off (server/front/response-head.ts).
 */
export function notModified(headers: HeadersInit, contentType: string): Response {
  const notModifiedHeaders = new Headers(headers);
  notModifiedHeaders.set('Content-Type', contentType);
  return new Response(null, { status: 304, headers: notModifiedHeaders });
}

/** If-Match uses the strong comparison: a weak tag never matches. */
export function matches(header: string, etag: string): boolean {
  return tags(header).some((tag) => tag === '*' || identityOf(tag) === etag);
}

/** The coded variant of `etag`, in a coding this request accepts, that If-None-Match holds: what a 304 to it names (RFC 9110 §15.4.5). */
export function heldCodedTag(header: string, etag: string, acceptEncoding: string | null | undefined): string | undefined {
  return tags(header)
    .map((tag) => tag.replace(/^W\//, ''))
    .find((tag) => tag !== etag && namesSelected(tag, etag, acceptEncoding));
}
