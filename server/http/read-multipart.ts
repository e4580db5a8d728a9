/**
 * Reads a `multipart/form-data` body as a stream (busboy), never whole into memory: the declared
 * Content-Length is checked before a byte is read, every byte is counted as it arrives, and the one
 * file part goes straight to a staging file — hashed on the way — until it passes the limit (413).
 * Its type is then read from its bytes (file-type) and must be one the contract's file part lists,
 * and agree with the type the part declared (415). Text parts are small and validated by the
 * contract's schema like any other request part.
 */
import { randomUUID, createHash } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeWebStream } from 'node:stream/web';
import busboy from 'busboy';
import { fileTypeFromFile } from 'file-type';
import type { MultipartContent } from '../../contracts/binary.ts';
import { AppError } from '../errors.ts';
import type { UploadedFile } from './binary-types.ts';
import type { FieldIssue } from './issues.ts';

/** What text parts and part headers may add to the file's limit: far above any form's fields. */
const FIELDS_ALLOWANCE = 64 * 1024;
/** Types a part declares when it says nothing in particular (text/plain is what a part naming no type is taken to be, RFC 7578 §4.4): they never disagree with the bytes. */
const UNDECLARED = new Set(['application/octet-stream', 'text/plain', '']);

export interface MultipartRead {
  fields: Record<string, string>;
  file: UploadedFile | undefined;
  issues: FieldIssue[];
}

export interface MultipartLimits {
  /** Largest file, in bytes. */
  maxBytes: number;
  /** Where file parts are staged (created if missing). */
  stagingDir: string;
}

const tooLarge = (limit: number) => new AppError('payload_too_large', `The file must not exceed ${limit} bytes.`);

function assertMultipart(request: Request): void {
  const type = request.headers.get('content-type') ?? '';
  if (!/^multipart\/form-data\s*;/i.test(type) || !/;\s*boundary=/i.test(type)) {
    throw new AppError('unsupported_media_type', 'Send the request body as multipart/form-data (with its boundary), e.g. with FormData.');
  }
  const coding = request.headers.get('content-encoding');
  if (coding !== null && !coding.split(',').every((c) => ['', 'identity'].includes(c.trim().toLowerCase()))) {
    throw new AppError('unsupported_media_type', 'Send the request body without a Content-Encoding: no content codings are accepted.');
  }
}

/** Counts every byte of the body; past `limit` the stream fails, which stops the parser and the upload. */
function byteLimit(limit: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _, done) {
      seen += chunk.length;
      done(seen > limit ? tooLarge(limit - FIELDS_ALLOWANCE) : null, chunk);
    },
  });
}

/** The staged file of a parsed multipart body, if the operation takes one. */
export function uploadedFile(spec: MultipartContent | undefined, body: unknown): UploadedFile | undefined {
  return spec ? (body as Record<string, UploadedFile | undefined>)[spec.file.name] : undefined;
}

/**
 * Like pipeline(), but a failure stops reading without destroying the request: destroying it would
 * reset the connection before the 413 is written. The unread rest is the front server's to discard
 * (server/front/request-deadline.ts closes the connection shortly after the answer).
 */
function feed(source: Readable, limiter: Transform, parser: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const stop = (error: Error) => {
      source.unpipe(limiter);
      limiter.unpipe(parser);
      source.pause();
      reject(error);
    };
    source.once('error', stop);
    limiter.once('error', stop);
    parser.once('error', stop);
    parser.once('close', () => resolve());
    source.pipe(limiter).pipe(parser);
  });
}

/** Removes a staging file; one already moved away (kept by its handler) is fine. */
export async function discardUpload(file: UploadedFile | undefined): Promise<void> {
  if (file) await rm(file.path, { force: true });
}

/**
 * Streams the request into fields and one staged file. Issues (a missing file, a part the contract
 * does not name) are returned for the caller to report with the other parts' issues; whole-body
 * failures (415, 413, a broken stream) are thrown, and leave no staging file behind.
 */
export async function readMultipart(request: Request, spec: MultipartContent, limits: MultipartLimits): Promise<MultipartRead> {
  assertMultipart(request);
  const bodyLimit = limits.maxBytes + FIELDS_ALLOWANCE;
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > bodyLimit) throw tooLarge(limits.maxBytes);
  if (!request.body) return { fields: {}, file: undefined, issues: [{ pointer: `/body/${spec.file.name}`, message: 'Required' }] };

  mkdirSync(limits.stagingDir, { recursive: true });
  const fields: Record<string, string> = {};
  const issues: FieldIssue[] = [];
  const fieldNames = new Set(Object.keys(spec.fields.shape));
  let file = undefined as UploadedFile | undefined;
  let fileWritten = undefined as Promise<void> | undefined;
  let stagingPath = undefined as string | undefined;
  let declaredType = '';
  let fileStream = undefined as Readable | undefined;

  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: Object.fromEntries(request.headers),
      defParamCharset: 'utf8',
      preservePath: true,
      limits: { files: 1, fileSize: limits.maxBytes, fields: 20, fieldSize: 16 * 1024, parts: 21, headerPairs: 20 },
    });
  } catch {
    // busboy reads the boundary itself: an empty or malformed one (`boundary=`, `boundary=a b`) is refused here.
    throw new AppError('unsupported_media_type', 'The multipart/form-data Content-Type has no valid boundary: send the body with FormData, which sets one.');
  }
  parser.on('field', (name, value, info) => {
    if (name === spec.file.name) issues.push({ pointer: `/body/${name}`, message: 'must be a file part (with a filename in its Content-Disposition)' });
    else if (!fieldNames.has(name)) issues.push({ pointer: `/body/${name}`, message: 'is not a part of this form' });
    else if (info.valueTruncated) issues.push({ pointer: `/body/${name}`, message: 'is too long' });
    else if (name in fields) issues.push({ pointer: `/body/${name}`, message: 'is sent more than once' });
    else fields[name] = value;
  });
  parser.on('file', (name, stream, info) => {
    if (name !== spec.file.name || file || fileWritten) {
      issues.push({ pointer: `/body/${name}`, message: name === spec.file.name ? 'is sent more than once' : 'is not a part of this form' });
      stream.resume();
      return;
    }
    const path = join(limits.stagingDir, `${randomUUID()}.part`);
    stagingPath = path;
    declaredType = info.mimeType;
    fileStream = stream;
    const hash = createHash('sha256');
    let size = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _, done) {
        size += chunk.length;
        hash.update(chunk);
        done(null, chunk);
      },
    });
    // busboy ends a file stream early at `fileSize`, and says so with 'limit'.
    stream.once('limit', () => stream.destroy(tooLarge(limits.maxBytes)));
    fileWritten = pipeline(stream, tap, createWriteStream(path, { flags: 'wx' })).then(() => {
      file = { path, size, sha256: hash.digest('hex'), mediaType: '', filename: info.filename || undefined };
    });
    // A file that fails (over the limit, a disk error) stops the whole body, which then rejects with its error.
    fileWritten.catch((error: unknown) => parser.destroy(error as Error));
  });
  parser.on('filesLimit', () => issues.push({ pointer: `/body/${spec.file.name}`, message: 'only one file may be sent' }));

  try {
    await feed(Readable.fromWeb(request.body as unknown as NodeWebStream<Uint8Array>), byteLimit(bodyLimit), parser);
    await fileWritten;
  } catch (error) {
    // The body stopped (too large, cut short, malformed): the file part will get no more bytes.
    fileStream?.destroy();
    await fileWritten?.catch(() => undefined);
    if (stagingPath) await rm(stagingPath, { force: true });
    if (error instanceof AppError) throw error;
    // A stream the client cut short: the binding answers 408 for an aborted request.
    if (request.signal.aborted) throw error;
    throw new AppError('malformed_multipart', 'The body is not valid multipart/form-data.');
  }

  if (!file) {
    if (!issues.some((i) => i.pointer === `/body/${spec.file.name}`)) issues.push({ pointer: `/body/${spec.file.name}`, message: 'Required' });
    return { fields, file: undefined, issues };
  }
  try {
    file.mediaType = await detectType(file.path, declaredType, spec);
  } catch (error) {
    await discardUpload(file);
    throw error;
  }
  return { fields, file, issues };
}

/** The type the bytes say, which must be one the part allows and agree with what the part declared. */
async function detectType(path: string, declaredType: string, spec: MultipartContent): Promise<string> {
  const detected = (await fileTypeFromFile(path))?.mime as string | undefined;
  const allowed = spec.file.mediaTypes;
  if (!detected || !allowed.includes(detected)) {
    throw new AppError(
      'unsupported_media_type',
      `The file is ${detected ? `of type ${detected}` : 'of no type Folio recognises'}; accepted: ${allowed.join(', ')} (read from the bytes).`,
    );
  }
  const declared = declaredType.split(';')[0]!.trim().toLowerCase();
  if (!UNDECLARED.has(declared) && declared !== detected) {
    throw new AppError('unsupported_media_type', `The file part says ${declared}, but its bytes are ${detected}.`);
  }
  return detected;
}
