/**
 * Media over HTTP: upload (multipart, streamed), metadata, download (ETag, 304, ranges, 416,
 * Content-Disposition), who may see it, posts' covers, what uploads refuse (413, 415, 422, 400),
 * location metadata removed from JPEG, PNG, WebP and AVIF, filenames kept as metadata only, and identical bytes
 * stored once.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import * as contract from '../../contracts/media/operations.ts';
import { MAX_IMAGE_SIDE } from '../../contracts/media/schemas.ts';
import * as posts from '../../contracts/posts/operations.ts';
import { expectConforms, problemCode, send, type ApiResponse } from '../support/contract-assertions.ts';
import { signUp, type Account } from '../support/identity.ts';
import { imageWithLocation, jpegWithLocation, LOCATED_FORMATS, pdf, png, pngBomb, upload } from '../support/media.ts';

const servers = inject('servers');
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
type MediaBody = { id: string; sha256: string; size: number; width: number | null; height: number | null; filename: string; content_type: string; content_url: string; alt: string };

async function bytesOf(res: Response): Promise<Buffer> {
  return Buffer.from(await res.arrayBuffer());
}

describe.each(servers)('media on $kind', ({ baseUrl, mediaDir }) => {
  let owner: Account;
  let stranger: Account;
  let admin: Account;
  const objectPath = (hash: string) => join(mediaDir, 'objects', hash.slice(0, 2), hash);

  beforeAll(async () => {
    owner = await signUp(baseUrl);
    stranger = await signUp(baseUrl);
    admin = await signUp(baseUrl, { admin: true });
  });

  async function created(res: ApiResponse): Promise<MediaBody> {
    expectConforms(contract.createMedia, res);
    expect(res.status, res.text).toBe(201);
    return res.body as MediaBody;
  }

  const content = (id: string, headers: Record<string, string> = {}) => fetch(`${baseUrl}/api/v1/media/${id}/content`, { headers });

  it('uploads a PNG, reports its metadata, and serves its bytes with an ETag, 304 and ranges', async () => {
    const bytes = await png(1, 30, 20);
    const res = await upload(baseUrl, owner, bytes, { alt: 'Thirty by twenty', partName: 'pixels.png', type: 'image/png' });
    const media = await created(res);
    expect(res.headers.get('location')).toBe(`/api/v1/media/${media.id}`);
    expect(media).toMatchObject({ filename: 'pixels.png', content_type: 'image/png', size: bytes.length, sha256: sha256(bytes), width: 30, height: 20, alt: 'Thirty by twenty' });
    expect(media.content_url).toBe(`/api/v1/media/${media.id}/content`);
    expect(readdirSync(join(mediaDir, 'incoming')), 'no staging file left').toEqual([]);
    expect(existsSync(objectPath(media.sha256))).toBe(true);

    const read = await send(baseUrl, `/api/v1/media/${media.id}`, { headers: owner.auth });
    expectConforms(contract.getMedia, read);
    expect(read.body).toEqual(media);

    const whole = await content(media.id, owner.auth);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('image/png');
    expect(whole.headers.get('content-length')).toBe(String(bytes.length));
    expect(whole.headers.get('x-folio-content-length')).toBeNull();
    expect(whole.headers.get('etag')).toBe(`"${media.sha256}"`);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(whole.headers.get('x-content-type-options')).toBe('nosniff');
    expect(whole.headers.get('content-disposition')).toBe('inline; filename="pixels.png"');
    expect(whole.headers.get('cache-control')).toBe('private, no-cache');
    expect((await bytesOf(whole)).equals(bytes)).toBe(true);

    const again = await content(media.id, { ...owner.auth, 'If-None-Match': `"${media.sha256}"` });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');

    const first = await content(media.id, { ...owner.auth, Range: 'bytes=0-9' });
    expect(first.status).toBe(206);
    expect(first.headers.get('content-range')).toBe(`bytes 0-9/${bytes.length}`);
    expect(first.headers.get('content-length')).toBe('10');
    expect((await bytesOf(first)).equals(bytes.subarray(0, 10))).toBe(true);
    const last = await content(media.id, { ...owner.auth, Range: 'bytes=-7' });
    expect(last.status).toBe(206);
    expect((await bytesOf(last)).equals(bytes.subarray(bytes.length - 7))).toBe(true);
    const open = await content(media.id, { ...owner.auth, Range: `bytes=${bytes.length - 3}-` });
    expect((await bytesOf(open)).equals(bytes.subarray(bytes.length - 3))).toBe(true);

    const beyond = await content(media.id, { ...owner.auth, Range: `bytes=${bytes.length}-` });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${bytes.length}`);
    expect(await beyond.json()).toMatchObject({ code: 'range_not_satisfiable' });
    // A client that holds the content is told so before its Range is weighed (RFC 9110 §13.2.2).
    for (const range of [`bytes=${bytes.length}-`, 'bytes=0-9']) {
      const held = await content(media.id, { ...owner.auth, Range: range, 'If-None-Match': `"${media.sha256}"` });
      expect(held.status, range).toBe(304);
      expect(held.headers.get('content-range'), range).toBeNull();
    }
    // Not a byte range: ignored, the whole content.
    const nonsense = await content(media.id, { ...owner.auth, Range: 'pages=1-2' });
    expect(nonsense.status).toBe(200);
    expect((await bytesOf(nonsense)).length).toBe(bytes.length);
    // Malformed or invalid range-specs are ignored as well: never a 416, never a range nobody asked for.
    for (const range of ['bytes=5-2', 'bytes=1e3-', 'bytes=abc']) {
      const ignored = await content(media.id, { ...owner.auth, Range: range });
      expect(ignored.status, range).toBe(200);
      expect((await bytesOf(ignored)).equals(bytes), range).toBe(true);
    }
    // Many touching ranges are one range, however long the header.
    const touching = Array.from({ length: 40 }, (_, i) => `${i * 5}-${i * 5 + 4}`).join(',');
    expect(touching.length).toBeGreaterThan(200);
    const merged = await content(media.id, { ...owner.auth, Range: `bytes=${touching}` });
    expect(merged.status).toBe(206);
    expect(merged.headers.get('content-range')).toBe(`bytes 0-199/${bytes.length}`);
    // A suffix longer than the content is all of it (RFC 9110 §14.1.3).
    const longSuffix = await content(media.id, { ...owner.auth, Range: `bytes=-${bytes.length + 100}` });
    expect(longSuffix.status).toBe(206);
    expect(longSuffix.headers.get('content-range')).toBe(`bytes 0-${bytes.length - 1}/${bytes.length}`);
    expect((await bytesOf(longSuffix)).equals(bytes)).toBe(true);
    // If-Range: the range while the ETag is still this content's, else the whole content.
    const resumed = await content(media.id, { ...owner.auth, Range: 'bytes=0-9', 'If-Range': `"${media.sha256}"` });
    expect(resumed.status).toBe(206);
    expect((await bytesOf(resumed)).equals(bytes.subarray(0, 10))).toBe(true);
    for (const ifRange of ['"0000"', `W/"${media.sha256}"`, 'Sat, 29 Oct 1994 19:43:31 GMT']) {
      const changed = await content(media.id, { ...owner.auth, Range: 'bytes=0-9', 'If-Range': ifRange });
      expect(changed.status, ifRange).toBe(200);
      expect((await bytesOf(changed)).equals(bytes), ifRange).toBe(true);
    }

    const head = await fetch(`${baseUrl}/api/v1/media/${media.id}/content`, { method: 'HEAD', headers: owner.auth });
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).toBe(`"${media.sha256}"`);
    expect(head.headers.get('content-length')).toBe(String(bytes.length));
    expect(await head.text()).toBe('');

    const refused = await content(media.id, { ...owner.auth, Accept: 'image/jpeg' });
    expect(refused.status).toBe(406);
  });

  it('is private to its owner until a published post shows it, then public', async () => {
    const media = await created(await upload(baseUrl, owner, await png(2)));
    for (const headers of [{}, stranger.auth]) {
      expect((await send(baseUrl, `/api/v1/media/${media.id}`, { headers })).status).toBe(404);
      expect((await content(media.id, headers)).status).toBe(404);
    }
    expect((await content(media.id, admin.auth)).status).toBe(200);

    // Another user's media cannot be a cover.
    const theft = await send(baseUrl, '/api/v1/posts', { method: 'POST', headers: stranger.auth, json: { title: 'Not mine', cover_media_id: media.id } });
    expectConforms(posts.createPost, theft);
    expect(theft.status, theft.text).toBe(422);
    expect(problemCode(theft)).toBe('cover_media_invalid');

    const draft = await send(baseUrl, '/api/v1/posts', { method: 'POST', headers: owner.auth, json: { title: 'With a cover', cover_media_id: media.id } });
    expectConforms(posts.createPost, draft);
    expect(draft.status, draft.text).toBe(201);
    const postId = (draft.body as { id: string; cover_media_id: string }).id;
    expect((draft.body as { cover_media_id: string }).cover_media_id).toBe(media.id);
    // Nor can an update make it one.
    const own = await send(baseUrl, '/api/v1/posts', { method: 'POST', headers: stranger.auth, json: { title: 'Mine' } });
    const swap = await send(baseUrl, `/api/v1/posts/${(own.body as { id: string }).id}`, { method: 'PATCH', headers: stranger.auth, json: { cover_media_id: media.id } });
    expectConforms(posts.updatePost, swap);
    expect(swap.status, swap.text).toBe(422);
    expect(problemCode(swap)).toBe('cover_media_invalid');
    expect((await content(media.id)).status, 'a draft does not make it public').toBe(404);

    const published = await send(baseUrl, `/api/v1/posts/${postId}`, { method: 'PATCH', headers: owner.auth, json: { status: 'published' } });
    expect(published.status, published.text).toBe(200);
    const anonymous = await content(media.id);
    expect(anonymous.status).toBe(200);
    expect(anonymous.headers.get('cache-control')).toBe('public, max-age=60, stale-while-revalidate=300');
    await anonymous.arrayBuffer();
    expect((await send(baseUrl, `/api/v1/media/${media.id}`)).status).toBe(200);

    // In use: refused, until the post lets go of it.
    const inUse = await send(baseUrl, `/api/v1/media/${media.id}`, { method: 'DELETE', headers: owner.auth });
    expectConforms(contract.deleteMedia, inUse);
    expect(inUse.status, inUse.text).toBe(409);
    expect(problemCode(inUse)).toBe('media_in_use');
    const detached = await send(baseUrl, `/api/v1/posts/${postId}`, { method: 'PATCH', headers: owner.auth, json: { cover_media_id: null } });
    expect((detached.body as { cover_media_id: unknown }).cover_media_id).toBeNull();
    expect((await content(media.id)).status).toBe(404);
    const deleted = await send(baseUrl, `/api/v1/media/${media.id}`, { method: 'DELETE', headers: owner.auth });
    expect(deleted.status, deleted.text).toBe(204);
    expect((await content(media.id, owner.auth)).status).toBe(404);
    expect(existsSync(objectPath(media.sha256)), 'its bytes are gone').toBe(false);
  });

  it('stores identical bytes once, and keeps them while any upload still names them', async () => {
    const bytes = await png(3);
    const a = await created(await upload(baseUrl, owner, bytes));
    const b = await created(await upload(baseUrl, stranger, bytes));
    expect(b.sha256).toBe(a.sha256);
    expect((await send(baseUrl, `/api/v1/media/${a.id}`, { method: 'DELETE', headers: owner.auth })).status).toBe(204);
    expect(existsSync(objectPath(a.sha256))).toBe(true);
    expect((await bytesOf(await content(b.id, stranger.auth))).equals(bytes)).toBe(true);
    expect((await send(baseUrl, `/api/v1/media/${b.id}`, { method: 'DELETE', headers: stranger.auth })).status).toBe(204);
    expect(existsSync(objectPath(a.sha256))).toBe(false);
  });

  it('lists the caller’s own media (admins everyone’s), and changes alt text and filename', async () => {
    const mine = await created(await upload(baseUrl, owner, await png(4)));
    const theirs = await created(await upload(baseUrl, stranger, await png(5)));
    const listed = await send(baseUrl, '/api/v1/media?limit=100', { headers: owner.auth });
    expectConforms(contract.listMedia, listed);
    const ids = (listed.body as { data: MediaBody[] }).data.map((m) => m.id);
    expect(ids).toContain(mine.id);
    expect(ids).not.toContain(theirs.id);
    const all = await send(baseUrl, '/api/v1/media?limit=100', { headers: admin.auth });
    expect((all.body as { data: MediaBody[] }).data.map((m) => m.id)).toEqual(expect.arrayContaining([mine.id, theirs.id]));

    const changed = await send(baseUrl, `/api/v1/media/${mine.id}`, { method: 'PATCH', headers: owner.auth, json: { alt: 'Renamed', filename: 'Grüße 🌍.png' } });
    expectConforms(contract.updateMedia, changed);
    expect(changed.body).toMatchObject({ alt: 'Renamed', filename: 'Grüße 🌍.png' });
    const download = await content(mine.id, owner.auth);
    await download.arrayBuffer();
    expect(download.headers.get('content-disposition')).toBe(`inline; filename="Gr??e ?.png"; filename*=UTF-8''Gr%C3%BC%C3%9Fe%20%F0%9F%8C%8D.png`);
  });

  it('keeps any filename as metadata only: paths, NUL and very long names never reach the disk', async () => {
    const cases: [string, string][] = [
      ['../../../etc/passwd', 'passwd'],
      ['..\\..\\windows\\win.ini', 'win.ini'],
      ['..', 'upload.png'],
      [`${'ü'.repeat(300)}.png`, 'ü'.repeat(255)],
      ['日本語の写真.png', '日本語の写真.png'],
    ];
    for (const [given, kept] of cases) {
      const media = await created(await upload(baseUrl, owner, await png(6), { partName: given }));
      expect(media.filename, JSON.stringify(given)).toBe(kept);
    }
    const objects = readdirSync(join(mediaDir, 'objects'), { recursive: true }) as string[];
    expect(objects.every((path) => /^[0-9a-f]{2}(\/[0-9a-f]{64})?$/.test(path)), objects.join(', ')).toBe(true);
    for (const filename of ['a/b.png', 'nul\u0000.png', 'next\u0085line.png', '']) {
      const badField = await upload(baseUrl, owner, await png(6), { filename });
      expect(badField.status, JSON.stringify(filename)).toBe(400);
      expect(new Set((badField.body as { errors: { pointer: string }[] }).errors.map((e) => e.pointer))).toEqual(new Set(['/body/filename']));
    }
    // A NUL inside a part's header is not multipart/form-data at all.
    const nul = await upload(baseUrl, owner, await png(6), { partName: 'nul\u0000byte.png' });
    expectConforms(contract.createMedia, nul);
    expect(nul.status).toBe(400);
    expect(problemCode(nul)).toBe('malformed_multipart');
  });

  it('removes location metadata from JPEGs and reports the stored bytes', async () => {
    const original = await jpegWithLocation();
    expect((await sharp(original).metadata()).exif).toBeDefined();
    const media = await created(await upload(baseUrl, owner, original, { partName: 'holiday.jpg', type: 'image/jpeg' }));
    const stored = await bytesOf(await content(media.id, owner.auth));
    expect(media).toMatchObject({ content_type: 'image/jpeg', width: 40, height: 30, size: stored.length, sha256: sha256(stored) });
    expect(media.sha256).not.toBe(sha256(original));
    const meta = await sharp(stored).metadata();
    expect(meta.exif).toBeUndefined();
    expect(stored.includes(Buffer.from('Folio test camera'))).toBe(false);
  });

  it.each(LOCATED_FORMATS.filter((format) => format !== 'jpeg'))('removes location metadata from the %s format too, keeping the type (and a lossless image’s pixels)', async (format) => {
    const original = await imageWithLocation(format);
    const before = await sharp(original).metadata();
    expect(before.exif).toBeDefined();
    const media = await created(await upload(baseUrl, owner, original, { partName: `holiday.${before.format}` }));
    const stored = await bytesOf(await content(media.id, owner.auth));
    expect(media).toMatchObject({ width: 40, height: 30, size: stored.length, sha256: sha256(stored) });
    expect(media.sha256).not.toBe(sha256(original));
    const after = await sharp(stored).metadata();
    expect(after.format).toBe(before.format);
    expect(after.exif).toBeUndefined();
    expect(stored.includes(Buffer.from('Folio test camera'))).toBe(false);
    if (format === 'png' || format === 'lossless webp') {
      const pixels = (image: Buffer) => sharp(image).removeAlpha().raw().toBuffer();
      expect((await pixels(stored)).equals(await pixels(original))).toBe(true);
    }
  });

  it('stores an image without metadata exactly as sent', async () => {
    const plain = await sharp(await imageWithLocation('webp')).webp({ quality: 80 }).toBuffer();
    expect((await sharp(plain).metadata()).exif).toBeUndefined();
    const media = await created(await upload(baseUrl, owner, plain, { partName: 'plain.webp' }));
    expect(media.sha256).toBe(sha256(plain));
  });

  it('accepts a PDF, served as an attachment without dimensions', async () => {
    const media = await created(await upload(baseUrl, owner, pdf(2048), { partName: 'report.pdf' }));
    expect(media).toMatchObject({ content_type: 'application/pdf', width: null, height: null, size: 2048 });
    const download = await content(media.id, owner.auth);
    expect(download.headers.get('content-disposition')).toBe('attachment; filename="report.pdf"');
    expect(download.headers.get('content-type')).toBe('application/pdf');
    await download.arrayBuffer();
  });

  it.each([
    ['an SVG', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 'image/svg+xml'],
    ['HTML', Buffer.from('<!doctype html><html><script>alert(1)</script></html>'), 'text/html'],
    ['a script', Buffer.from('#!/bin/sh\nrm -rf /\n'), 'application/x-sh'],
    ['an executable', Buffer.concat([Buffer.from('MZ'), Buffer.alloc(126), Buffer.from('PE\0\0'), Buffer.alloc(512)]), 'application/octet-stream'],
    ['unknown bytes', Buffer.from('just some text'), 'application/octet-stream'],
    ['an empty file', Buffer.alloc(0), 'image/png'],
  ])('refuses %s with 415', async (_, bytes, type) => {
    const res = await upload(baseUrl, owner, bytes, { type });
    expectConforms(contract.createMedia, res);
    expect(res.status, res.text).toBe(415);
    expect(problemCode(res)).toBe('unsupported_media_type');
  });

  it('refuses a PNG that says it is a JPEG (415), and a body that is not multipart (415)', async () => {
    const lying = await upload(baseUrl, owner, await png(7), { type: 'image/jpeg' });
    expectConforms(contract.createMedia, lying);
    expect(lying.status).toBe(415);
    expect((lying.body as { detail: string }).detail).toContain('image/png');
    const json = await send(baseUrl, '/api/v1/media', { method: 'POST', headers: owner.auth, json: { alt: 'x' } });
    expectConforms(contract.createMedia, json);
    expect(json.status).toBe(415);
    // A boundary busboy cannot use (it gave a 500).
    for (const type of ['multipart/form-data; boundary=', 'multipart/form-data; boundary=a b', 'multipart/form-data; x=1;boundary=']) {
      const res = await send(baseUrl, '/api/v1/media', { method: 'POST', headers: { ...owner.auth, 'Content-Type': type }, body: '--a\r\n' });
      expectConforms(contract.createMedia, res);
      expect(res.status, `${type}: ${res.text}`).toBe(415);
    }
  });

  it('refuses a decompression bomb (422) without decoding it, and a broken image (422)', async () => {
    const bomb = await upload(baseUrl, owner, pngBomb());
    expectConforms(contract.createMedia, bomb);
    expect(bomb.status, bomb.text).toBe(422);
    expect(problemCode(bomb)).toBe('image_too_large');
    // A side longer than the document's Media can state, in few pixels: stored, it made every answer naming it a 500.
    const tall = await upload(baseUrl, owner, pngBomb(1, MAX_IMAGE_SIDE + 1));
    expectConforms(contract.createMedia, tall);
    expect(tall.status, tall.text).toBe(422);
    expect(problemCode(tall)).toBe('image_too_large');
    expect((await send(baseUrl, '/api/v1/media', { headers: owner.auth })).status).toBe(200);
    const broken = Buffer.from(await png(8));
    const truncated = await upload(baseUrl, owner, broken.subarray(0, 20));
    expectConforms(contract.createMedia, truncated);
    expect(truncated.status, truncated.text).toBe(422);
    expect(problemCode(truncated)).toBe('media_unreadable');
  });

  it('reports a missing file, missing alt text and unknown parts together (400)', async () => {
    const form = new FormData();
    form.set('caption', 'not a field');
    const res = await send(baseUrl, '/api/v1/media', { method: 'POST', headers: owner.auth, body: form });
    expectConforms(contract.createMedia, res);
    expect(res.status, res.text).toBe(400);
    expect((res.body as { errors: { pointer: string }[] }).errors.map((e) => e.pointer).sort()).toEqual(['/body/alt', '/body/caption', '/body/file']);
  });

  it('refuses a file over the limit with 413, as soon as the limit is passed', async () => {
    const big = pdf(25 * 1024 * 1024 + 1);
    const res = await upload(baseUrl, owner, big);
    expectConforms(contract.createMedia, res);
    expect(res.status).toBe(413);
    expect(problemCode(res)).toBe('payload_too_large');
    expect(readdirSync(join(mediaDir, 'incoming'))).toEqual([]);
  });
});
