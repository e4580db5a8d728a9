/**
 * Files for upload tests — real images made with sharp, and hand-made headers where a test needs a
 * file no encoder would write (a decompression bomb) — and the multipart requests that carry them.
 */
import { crc32 } from 'node:zlib';
import sharp, { type Sharp } from 'sharp';
import type { OperationSpec } from '../../contracts/operation.ts';
import { send, type ApiResponse } from './contract-assertions.ts';
import type { Account } from './identity.ts';

/** A small PNG whose pixels (and so bytes and hash) depend on `seed`: two seeds, two files. */
export async function png(seed = 0, width = 8, height = 6): Promise<Buffer> {
  const pixels = Buffer.alloc(Math.max(width * height * 3, 6));
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 31 + seed * 97) & 255;
  // The whole seed in the first pixels, so seeds equal modulo 256 still differ.
  pixels.writeUIntBE(seed % 2 ** 48, 0, 6);
  return sharp(pixels, { raw: { width, height, channels: 3 } }).png().toBuffer();
}

/** The EXIF a phone writes: a camera name and a GPS position. */
const LOCATION_EXIF = { IFD0: { Make: 'Folio test camera' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 30/1 2640/100', GPSLongitudeRef: 'W', GPSLongitude: '0/1 7/1 3960/100' } };

/** The types that can carry EXIF, and how sharp writes each (`lossless` for PNG and a lossless WebP). */
const WRITERS = {
  jpeg: (image: Sharp) => image.jpeg(),
  png: (image: Sharp) => image.png(),
  webp: (image: Sharp) => image.webp({ quality: 80 }),
  'lossless webp': (image: Sharp) => image.webp({ lossless: true }),
  avif: (image: Sharp) => image.avif(),
};
export type LocatedFormat = keyof typeof WRITERS;
export const LOCATED_FORMATS = Object.keys(WRITERS) as LocatedFormat[];

/** An image carrying EXIF with a GPS position, as a phone writes it; its pixels vary, so a lossless copy can be compared. */
export async function imageWithLocation(format: LocatedFormat = 'jpeg'): Promise<Buffer> {
  const width = 40;
  const height = 30;
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7) & 255;
  return WRITERS[format](sharp(pixels, { raw: { width, height, channels: 3 } })).withExif(LOCATION_EXIF).toBuffer();
}

/** A JPEG carrying EXIF with a GPS position, as a phone writes it. */
export const jpegWithLocation = () => imageWithLocation('jpeg');

function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A PNG whose header claims `width` × `height` pixels: a few dozen bytes that would decode to gigabytes. */
export function pngBomb(width = 100_000, height = 100_000): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', Buffer.alloc(64)), chunk('IEND', Buffer.alloc(0))]);
}

/** A PDF of about `size` bytes: file-type knows it by its first line. */
export function pdf(size = 1024): Buffer {
  const head = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1');
  return Buffer.concat([head, Buffer.alloc(Math.max(0, size - head.length), 0x20)]);
}

export interface UploadOptions {
  alt?: string;
  filename?: string;
  /** The name in the file part's Content-Disposition. */
  partName?: string;
  /** The type the file part declares. */
  type?: string;
  fields?: Record<string, string>;
}

export function uploadForm(bytes: Uint8Array, options: UploadOptions = {}): FormData {
  const form = new FormData();
  form.set('alt', options.alt ?? 'A test image');
  if (options.filename !== undefined) form.set('filename', options.filename);
  for (const [name, value] of Object.entries(options.fields ?? {})) form.set(name, value);
  form.set('file', new Blob([bytes as BlobPart], { type: options.type ?? 'application/octet-stream' }), options.partName ?? 'test.png');
  return form;
}

export async function upload(baseUrl: string, account: Account, bytes: Uint8Array, options: UploadOptions = {}): Promise<ApiResponse> {
  return send(baseUrl, '/api/v1/media', { method: 'POST', body: uploadForm(bytes, options), headers: account.auth });
}

/**
 * A body the operation accepts, as fetch init: its JSON example, or — for an upload — its example
 * fields and a small PNG. The generic suites call every operation with it.
 */
/** A seed no test uses by name (they use small ones): a PNG of its own. */
export function randomSeed(): number {
  return 1_000_000 + Math.floor(Math.random() * 2 ** 40);
}

export async function exampleBody(op: OperationSpec): Promise<{ json?: unknown; body?: FormData }> {
  if (op.request?.multipart) return { body: uploadForm(await png(randomSeed()), op.request.multipart.example as UploadOptions) };
  const example = op.request?.body?.example;
  return example === undefined ? {} : { json: example };
}
