/**
 * Bodies that are not JSON: a `multipart/form-data` request (text fields with Zod rules, plus one
 * file part with its allowed media types and size limit) and binary responses (bytes, streamed, in
 * one of the declared media types). Declared here once: the document (contracts/document/binary.ts)
 * describes them as generators and fuzzers read them, the binding (server/http/read-multipart.ts,
 * render-binary.ts) enforces them, and handler and client types derive from them.
 */
import type { z } from 'zod';

/** The one file part of a multipart body. One per request: several binary parts defeat some SDK generators. */
export interface FilePart<Name extends string = string> {
  /** The part's name in the form, e.g. `file`. */
  name: Name;
  description: string;
  /**
   * What the part may hold, as detected from its bytes (never from the name or the declared type):
   * anything else is 415. The order is the document's.
   */
  mediaTypes: readonly string[];
  /** The documented default limit, in bytes; the server's own (configurable) limit applies, 413 above it. */
  maxBytes: number;
}

/** A `multipart/form-data` request body: text fields validated by `fields`, and one file part. */
export interface MultipartContent<F extends z.ZodObject = z.ZodObject, N extends string = string> {
  description: string;
  /** The text parts, as an object schema; a part named neither here nor as the file is a 400. */
  fields: F;
  file: FilePart<N>;
  /** The text fields of an example request (the file is described, not exemplified). */
  example: z.input<F>;
}

export function multipart<const F extends z.ZodObject, const N extends string>(spec: MultipartContent<F, N>): MultipartContent<F, N> {
  return spec;
}

/** A binary response: the bytes in one of `mediaTypes`, streamed. Declaring the types is what lets a handler send them. */
export interface BinaryContent<M extends string = string> {
  mediaTypes: readonly M[];
  description: string;
}

export function binary<const M extends string>(mediaTypes: readonly M[], description: string): BinaryContent<M> {
  return { mediaTypes, description };
}

/** The media types a multipart request is sent as. */
export const MULTIPART_FORM_DATA = 'multipart/form-data';
