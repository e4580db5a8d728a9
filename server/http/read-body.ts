import { AppError } from '../errors.ts';
import { iJsonIssues } from './i-json.ts';

const JSON_MEDIA_TYPE = 'application/json';
/** How many of a body's I-JSON issues a 400 lists. */
const MAX_LISTED_ISSUES = 100;

/** Accepts `application/json`, optionally with `charset=utf-8`; anything else is 415. */
function assertJsonContentType(header: string | null) {
  const [mediaType, ...params] = (header ?? '').split(';').map((part) => part.trim().toLowerCase());
  const charset = params.find((p) => p.startsWith('charset='))?.slice('charset='.length).replaceAll('"', '');
  if (mediaType !== JSON_MEDIA_TYPE || (charset !== undefined && charset !== 'utf-8')) {
    throw new AppError('unsupported_media_type', 'Send the request body as application/json (UTF-8).');
  }
}

/**
 * Request bodies are read as sent: a content coding (gzip, br, …) is refused with 415 before a
 * byte is read, so no decompression bomb can be fed to the server (RFC 7694; the 415 says
 * `Accept-Encoding: identity`, see problem()).
 */
function assertNoContentCoding(header: string | null) {
  if (header === null || header.split(',').every((coding) => ['', 'identity'].includes(coding.trim().toLowerCase()))) return;
  throw new AppError('unsupported_media_type', 'Send the request body without a Content-Encoding: no content codings are accepted.');
}

function tooLarge(limit: number): AppError {
  return new AppError('payload_too_large', `The request body must not exceed ${limit} bytes.`);
}

/**
 * Reads a body's bytes, refusing more than `limit` without buffering them: the declared
 * Content-Length is checked first, then the stream is counted and cancelled once past the limit.
 * Refuses a Content-Type other than JSON and any content coding (415) before a byte is read.
 * Returns `undefined` for an empty body.
 */
export async function readBodyBytes(request: Request, limit: number): Promise<Uint8Array | undefined> {
  assertJsonContentType(request.headers.get('content-type'));
  assertNoContentCoding(request.headers.get('content-encoding'));
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > limit) throw tooLarge(limit);
  if (!request.body) return undefined;

  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return size === 0 ? undefined : Buffer.concat(chunks, size);
}

/**
 * Parses a body's bytes as UTF-8 I-JSON — no unpaired surrogate, no member name twice in one
 * object; `undefined` (no body) stays `undefined`, so that schema validation reports it as missing.
 */
export function parseJsonBytes(bytes: Uint8Array | undefined): unknown {
  if (bytes === undefined) return undefined;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new AppError('malformed_json', 'The request body is not valid UTF-8.', {
      errors: [{ pointer: '/body', message: 'not valid UTF-8' }],
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // The parser's message quotes the input; say where the problem is without echoing it.
    throw new AppError('malformed_json', 'The request body is not valid JSON.', {
      errors: [{ pointer: '/body', message: 'not valid JSON' }],
    });
  }
  const { unpaired, repeated, infinite } = iJsonIssues(text, '/body');
  const errors = [
    ...unpaired.map((pointer) => ({ pointer, message: 'contains an unpaired UTF-16 surrogate (such as \\ud800), which is not a character' })),
    ...repeated.map((pointer) => ({ pointer, message: 'is given more than once in its object: give each member once' })),
    ...infinite.map((pointer) => ({ pointer, message: 'is a number beyond the range of a double' })),
  ];
  if (errors.length === 0) return value;
  // A megabyte of repeats must not become sixteen of problem: the first ones say what is wrong.
  const listed = errors.slice(0, MAX_LISTED_ISSUES);
  const more = errors.length > listed.length ? ` (${errors.length} in all; the first ${listed.length} listed)` : '';
  throw new AppError('validation_failed', `The body must be I-JSON (RFC 7493): see errors${more}.`, { errors: listed });
}

/** Reads and parses a JSON body (readBodyBytes, then parseJsonBytes). */
export async function readJsonBody(request: Request, limit: number): Promise<unknown> {
  return parseJsonBytes(await readBodyBytes(request, limit));
}
