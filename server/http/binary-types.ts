/** The binding's side of non-JSON bodies (contracts/binary.ts): what handlers receive and return. */
import type { Readable } from 'node:stream';
import type { z } from 'zod';
import type { BinaryContent, MultipartContent } from '../../contracts/binary.ts';

/**
 * The file part of a multipart request, already on disk: streamed to a staging file while its
 * bytes were counted and hashed, its type detected from those bytes. The binding deletes the
 * staging file once the handler returns; a handler keeps the bytes by moving them elsewhere.
 */
export interface UploadedFile {
  /** The staging file (server-chosen name; the client's filename is never a path). */
  path: string;
  size: number;
  /** SHA-256 of the bytes, lowercase hex. */
  sha256: string;
  /** Detected from the bytes: one of the part's declared media types. */
  mediaType: string;
  /** The filename the client gave in the part's Content-Disposition, if any: metadata only. */
  filename: string | undefined;
}

/** A multipart body as the handler sees it: the validated text fields, and the file under its part's name. */
export type MultipartBody<M> = M extends MultipartContent<infer F, infer N> ? z.output<F> & { [K in N]: UploadedFile } : never;

/**
 * The bytes a handler answers with: how to open them as a stream, their length, and one of the
 * media types its response declares. Opened only when sent, so 304, 406 and HEAD open nothing.
 */
export interface BinaryBody<M extends string = string> {
  open: () => Promise<Readable | ReadableStream<Uint8Array>>;
  /** Not one of the declared types: does not compile. */
  mediaType: M;
  /** Bytes the stream holds (Content-Length). */
  length: number;
  /** A strong validator of the whole content (sent as ETag; If-None-Match with it answers 304). */
  etag?: string;
}

export type BinaryBodyFor<B> = B extends BinaryContent<infer M> ? BinaryBody<M> : never;
