/**
 * What Folio reads from an uploaded image, with sharp (libvips): its dimensions — from the header,
 * before any pixel is decoded, so an image of more pixels than allowed (a decompression bomb) is
 * refused without being expanded — and, for a JPEG carrying EXIF, XMP or IPTC metadata (where
 * cameras and phones put GPS location), a copy re-encoded without it.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import sharp, { type Metadata } from 'sharp';

export type Inspection =
  | { kind: 'ok'; width: number | null; height: number | null; /** A staged copy without metadata, when one was made. */ stripped?: { path: string; size: number; sha256: string } }
  | { kind: 'too_many_pixels'; pixels: number }
  | { kind: 'unreadable' };

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
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
  if (pixels > options.maxPixels) return { kind: 'too_many_pixels', pixels };
  // Dimensions as displayed: an EXIF orientation of 5–8 swaps them.
  const { width, height } = meta.pages && meta.pageHeight ? { width: meta.width, height: meta.pageHeight } : (meta.autoOrient ?? meta);
  if (!(mediaType === 'image/jpeg' && options.stripMetadata && (meta.exif || meta.xmp || meta.iptc))) return { kind: 'ok', width, height };

  const strippedPath = join(dirname(path), `${randomUUID()}.stripped`);
  try {
    // sharp writes no metadata unless asked; the colour profile is kept so colours do not shift,
    // and the orientation is applied to the pixels since the tag that said it goes.
    await sharp(path, { limitInputPixels: options.maxPixels }).autoOrient().keepIccProfile().jpeg({ quality: 92, chromaSubsampling: '4:4:4' }).toFile(strippedPath);
  } catch {
    await rm(strippedPath, { force: true });
    return { kind: 'unreadable' };
  }
  const { size } = await stat(strippedPath);
  return { kind: 'ok', width, height, stripped: { path: strippedPath, size, sha256: await sha256Of(strippedPath) } };
}
