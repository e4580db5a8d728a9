import { AppError } from '../errors.ts';
import { token } from './issues.ts';
import { repeatedMembers } from './repeated-members.ts';

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
  const errors = [
    ...unpairedSurrogates(value).map((pointer) => ({ pointer, message: 'contains an unpaired UTF-16 surrogate (such as \\ud800), which is not a character' })),
    ...repeatedMembers(text, '/body').map((pointer) => ({ pointer, message: 'is given more than once in its object: give each member once' })),
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

/**
 * JSON may escape half of a surrogate pair on its own (`"\ud800"`); that is not a character, and
 * PostgreSQL would store it as U+FFFD. Bodies must be I-JSON (RFC 7493 §2.1), so every string —
 * and every member name — holding one is reported by its JSON Pointer.
 */
function unpairedSurrogates(body: unknown): string[] {
  if (typeof body === 'string') return body.isWellFormed() ? [] : ['/body'];
  const found: string[] = [];
  // Walked with a stack of its own, not by recursion: JSON.parse takes nesting thousands deep,
  // and recursing as deep overflowed the call stack (a 500 for a 6 KB body). A pointer is made
  // only for what is reported: a megabyte of numbers or of `{}` costs a loop over them.
  type Frame = { parent?: Frame; value: unknown[] | Record<string, unknown>; keys?: string[]; next: number };
  const pointerOf = (frame: Frame, key: string | undefined, index: number) => {
    const tokens = [key === undefined ? String(index) : token(key)];
    for (let at = frame; at.parent; at = at.parent) {
      const holder = at.parent;
      const i = holder.next - 1;
      tokens.push(holder.keys ? token(holder.keys[i]!) : String(i));
    }
    return ['/body', ...tokens.reverse()].join('/');
  };
  let top: Frame | undefined =
    typeof body === 'object' && body !== null ? { value: body as Record<string, unknown>, keys: Array.isArray(body) ? undefined : Object.keys(body), next: 0 } : undefined;
  while (top) {
    const { keys } = top;
    if (top.next >= (keys ?? (top.value as unknown[])).length) {
      top = top.parent;
      continue;
    }
    const i = top.next++;
    const key = keys?.[i];
    const item = key === undefined ? (top.value as unknown[])[i] : (top.value as Record<string, unknown>)[key];
    // A member name holding one is reported, before its value: the body's order throughout.
    if (key !== undefined && !key.isWellFormed()) found.push(pointerOf(top, key, i));
    if (typeof item === 'string') {
      if (!item.isWellFormed()) found.push(pointerOf(top, key, i));
    } else if (typeof item === 'object' && item !== null) {
      top = { parent: top, value: item as Record<string, unknown>, keys: Array.isArray(item) ? undefined : Object.keys(item), next: 0 };
    }
  }
  return found;
}
