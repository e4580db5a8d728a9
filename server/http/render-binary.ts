import { Readable } from 'node:stream';
import Negotiator from 'negotiator';
import type { ResponseSpec } from '../../contracts/operation.ts';
import { AppError } from '../errors.ts';
import { noneMatch, notModified } from '../etag.ts';
import type { BinaryBody } from './binary-types.ts';
import { CONTENT_LENGTH_RELAY } from './content-length.ts';

function acceptable(request: Request, mediaType: string): boolean {
  const accept = request.headers.get('accept');
  if (!accept) return true;
  // A client that accepts only problems is told what went wrong in JSON; it has not refused the bytes.
  return new Negotiator({ headers: { accept } }).mediaType([mediaType, 'application/problem+json']) === mediaType || accept.trim() === 'application/problem+json';
}

/**
 * Sends a handler's bytes (contracts/binary.ts): the declared media type and length, 304 when
 * If-None-Match has the ETag the handler set, 406 when Accept refuses this object's type; the
 * stream is opened only for a response that carries it (never for 304, 406 or HEAD).
 */
export async function renderBinary(
  spec: ResponseSpec,
  status: number,
  binary: BinaryBody,
  resultHeaders: Record<string, string> | undefined,
  request: Request,
  conditional: boolean,
): Promise<Response> {
  if (!spec.binary?.mediaTypes.includes(binary.mediaType)) throw new Error(`undeclared binary media type ${binary.mediaType}`);
  if (!acceptable(request, binary.mediaType)) {
    throw new AppError('not_acceptable', `This is ${binary.mediaType}; accept it (or */*) to receive it.`);
  }
  const headers = new Headers(resultHeaders);
  const { etag } = binary;
  if (etag) headers.set('ETag', etag);
  const ifNoneMatch = request.headers.get('if-none-match');
  if (conditional && etag && ifNoneMatch && noneMatch(ifNoneMatch, etag)) {
    for (const name of ['Content-Range', 'Content-Disposition', 'Accept-Ranges']) headers.delete(name);
    return notModified(headers, binary.mediaType);
  }
  headers.set('Content-Type', binary.mediaType);
  headers.set(CONTENT_LENGTH_RELAY, String(binary.length));
  if (request.method === 'HEAD') return new Response(null, { status, headers });
  const stream = await binary.open();
  const body = stream instanceof Readable ? (Readable.toWeb(stream) as ReadableStream<Uint8Array>) : stream;
  return new Response(body, { status, headers });
}
