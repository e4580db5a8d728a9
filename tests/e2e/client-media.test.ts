/**
 * End-to-end: uploads and downloads through the built @folio/client (client/dist) against the
 * production build — a Blob, a File and a Node stream up; a Blob, a stream and a range down.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { ApiError, createClient, type FolioClient } from '@folio/client';
import { signUp } from '../support/identity.ts';
import { pdf, png } from '../support/media.ts';

const servers = inject('servers');

describe.each(servers)('@folio/client media on $kind', ({ baseUrl }) => {
  let folio: FolioClient;
  beforeAll(async () => {
    const account = await signUp(baseUrl);
    folio = createClient({ baseUrl, headers: () => account.auth });
  });

  it('uploads a Blob and downloads it whole and by range', async () => {
    const bytes = await png(21, 16, 9);
    const media = await folio.media.upload(new Blob([bytes as BlobPart], { type: 'image/png' }), { alt: 'Sixteen by nine', filename: 'wide.png' });
    expect(media).toMatchObject({ filename: 'wide.png', content_type: 'image/png', width: 16, height: 9, size: bytes.length });

    const whole = await folio.media.download(media.id);
    expect(whole.status).toBe(200);
    expect(whole.contentType).toBe('image/png');
    expect(whole.etag).toBe(`"${media.sha256}"`);
    expect(Buffer.from(await whole.data.arrayBuffer()).equals(bytes)).toBe(true);

    const part = await folio.media.download(media.id, { range: { start: 4, end: 11 }, as: 'stream' });
    expect(part.status).toBe(206);
    expect(part.contentRange).toBe(`bytes 4-11/${bytes.length}`);
    expect(Buffer.from(await new Response(part.data).arrayBuffer()).equals(bytes.subarray(4, 12))).toBe(true);
    const tail = await folio.media.download(media.id, { range: { suffix: 3 } });
    expect(Buffer.from(await tail.data.arrayBuffer()).equals(bytes.subarray(-3))).toBe(true);
  });

  it('uploads a File under its own name, and a Node stream without buffering it', async () => {
    const file = new File([(await png(22)) as BlobPart], 'from-disk.png', { type: 'image/png' });
    expect((await folio.media.upload(file, { alt: '' })).filename).toBe('from-disk.png');

    const document = pdf(3 * 1024 * 1024);
    const stream = Readable.from((function* () {
      for (let at = 0; at < document.length; at += 65536) yield document.subarray(at, at + 65536);
    })());
    const media = await folio.media.upload(stream, { alt: 'A report', filename: 'report.pdf', type: 'application/pdf' });
    expect(media).toMatchObject({ content_type: 'application/pdf', size: document.length, filename: 'report.pdf' });
    expect(media.sha256).toBe(createHash('sha256').update(document).digest('hex'));
  });

  it('throws a typed ApiError for a refused upload and a range past the end', async () => {
    const refused = await folio.media.upload(new Blob(['<svg/>']), { alt: 'x' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).status).toBe(415);
    expect((refused as ApiError).is('unsupported_media_type')).toBe(true);
    const media = await folio.media.upload(new Blob([(await png(23)) as BlobPart]), { alt: 'x' });
    const beyond = await folio.media.download(media.id, { range: { start: media.size + 10 } }).catch((error: unknown) => error);
    expect((beyond as ApiError).status).toBe(416);
    expect((beyond as ApiError).code).toBe('range_not_satisfiable');
  });
});
