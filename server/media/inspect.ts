/**
 * What Folio reads from an uploaded image, with sharp (libvips): its dimensions — from the header,
 * before any pixel is decoded, so an image of more pixels than allowed (a decompression bomb) is
 * refused without being expanded — and, for an image carrying EXIF, XMP or IPTC metadata (where
 * cameras and phones put GPS location; a PNG's eXIf and XMP chunks, a WebP's or AVIF's EXIF and XMP
 * too), a copy re-encoded without it.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import sharp, { type Metadata, type Sharp } from 'sharp';
import { MAX_IMAGE_SIDE } from '../../contracts/media/schemas.ts';

export type Inspection =
  | { kind: 'ok'; width: number | null; height: number | null; /** A staged copy without metadata, when one was made. */ stripped?: { path: string; size: number; sha256: string } }
  | { kind: 'too_large'; detail: string }
  | { kind: 'unreadable' };

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * How each type is written again without its metadata: a JPEG at quality 92 with full colour
 * resolution, a PNG (always lossless) and a lossless WebP losslessly, a lossy WebP at quality 92,
 * an AVIF at quality 80. Types not named here (GIF, which carries no EXIF) are stored as sent.
 */
const ENCODERS: Record<string, (image: Sharp, lossless: boolean) => Sharp> = {
  'image/jpeg': (image) => image.jpeg({ quality: 92, chromaSubsampling: '4:4:4' }),
  'image/png': (image) => image.png(),
  'image/webp': (image, lossless) => image.webp(lossless ? { lossless: true } : { quality: 92 }),
  'image/avif': (image) => image.avif({ quality: 80 }),
};

/** The chunks isLosslessWebp reads at most. */
const MAX_WEBP_CHUNKS = 64;

/**
 * Whether a WebP's image data is VP8L (lossless) rather than VP8 (lossy): its RIFF chunks are
 * walked, header by header, to the first image chunk (an extended file puts its colour profile,
 * of any size, before it; an animation's first frame says it for all).
 */
async function isLosslessWebp(path: string): Promise<boolean> {
  const handle = await open(path);
  try {
    const header = Buffer.alloc(8);
    // Real files have a handful of chunks before their image; a file of millions of empty ones
    // (valid to libwebp) took a read each, seconds of CPU a megabyte. Past this many, it counts as lossy.
    for (let offset = 12, chunks = 0; chunks < MAX_WEBP_CHUNKS; chunks++) {
      const { bytesRead } = await handle.read(header, 0, 8, offset);
      if (bytesRead < 8) return false;
      const fourcc = header.toString('latin1', 0, 4);
      if (fourcc === 'VP8L') return true;
      if (fourcc === 'VP8 ') return false;
      // An animation frame holds its image chunk after 16 bytes of frame header.
      offset += fourcc === 'ANMF' ? 8 + 16 : 8 + header.readUInt32LE(4) + (header.readUInt32LE(4) & 1);
    }
    return false;
  } finally {
    await handle.close();
  }
}

export async function inspect(path: string, mediaType: string, options: { maxPixels: number; stripMetadata: boolean }): Promise<Inspection> {
  if (!mediaType.startsWith('image/')) return { kind: 'ok', width: null, height: null };
  let meta: Metadata;
  try {
    meta = await sharp(path, { limitInputPixels: false }).metadata();
  } catch {
    return { kind: 'unreadable' };
  }
  if (!meta.width || !meta.height) return { kind: 'unreadable' };
  // Every frame of an animation is decoded: its pixels count too.
  const pixels = meta.width * (meta.pageHeight ?? meta.height) * (meta.pages ?? 1);
  if (pixels > options.maxPixels) return { kind: 'too_large', detail: `The image has ${pixels} pixels; at most ${options.maxPixels} are accepted.` };
  // A side the document's Media cannot state (1 × 1,000,001 is few pixels) would be stored, then make every answer naming it a 500.
  if (Math.max(meta.width, meta.pageHeight ?? meta.height) > MAX_IMAGE_SIDE) return { kind: 'too_large', detail: `A side of the image is over ${MAX_IMAGE_SIDE} pixels.` };
  // Dimensions as displayed: an EXIF orientation of 5–8 swaps them.
  const { width, height } = meta.pages && meta.pageHeight ? { width: meta.width, height: meta.pageHeight } : (meta.autoOrient ?? meta);
  const encode = ENCODERS[mediaType];
  if (!(encode && options.stripMetadata && (meta.exif || meta.xmp || meta.iptc))) return { kind: 'ok', width, height };

  const strippedPath = join(dirname(path), `${randomUUID()}.stripped`);
  try {
    // sharp writes no metadata unless asked; the colour profile is kept so colours do not shift,
    // and the orientation is applied to the pixels since the tag that said it goes. Every frame
    // of an animation is kept (and an animation is not turned).
    const animated = (meta.pages ?? 1) > 1;
    const image = sharp(path, { limitInputPixels: options.maxPixels, animated });
    await encode(animated ? image : image.autoOrient(), mediaType === 'image/webp' && (await isLosslessWebp(path))).keepIccProfile().toFile(strippedPath);
  } catch {
    await rm(strippedPath, { force: true });
    return { kind: 'unreadable' };
  }
  const { size } = await stat(strippedPath);
  return { kind: 'ok', width, height, stripped: { path: strippedPath, size, sha256: await sha256Of(strippedPath) } };
}
