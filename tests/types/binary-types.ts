/**
 * Type-level tests of binary bodies (contracts/binary.ts), checked by `npm run typecheck`: uploads
 * and downloads are typed from their declaration like JSON, and every `@ts-expect-error` must stay an error.
 */
import { Readable } from 'node:stream';
import { createClient } from '@folio/client';
import * as media from '../../contracts/media/operations.ts';
import { bind } from '../../server/http/bind.ts';

const open = async () => Readable.from([]);
const headers = { 'Accept-Ranges': 'bytes' as const, 'Content-Disposition': 'inline', 'Cache-Control': 'private, no-cache' };

// A download may answer with any media type its response declares.
bind(media.getMediaContent, async () => ({ status: 200, binary: { open, mediaType: 'image/png', length: 0 }, headers }));
bind(media.getMediaContent, async () => ({ status: 200, binary: { open, mediaType: 'application/pdf', length: 0 }, headers }));

// @ts-expect-error image/svg+xml is not a media type getMediaContent declares
bind(media.getMediaContent, async () => ({ status: 200, binary: { open, mediaType: 'image/svg+xml', length: 0 }, headers }));

// @ts-expect-error a binary response carries bytes, not a JSON body
bind(media.getMediaContent, async () => ({ status: 200, body: { id: 'x' }, headers }));

// @ts-expect-error 206 must say which bytes it holds (Content-Range)
bind(media.getMediaContent, async () => ({ status: 206, binary: { open, mediaType: 'image/png', length: 0 }, headers }));

// @ts-expect-error getMedia answers JSON: it cannot send bytes
bind(media.getMedia, async () => ({ status: 200, binary: { open, mediaType: 'image/png', length: 0 } }));

// An upload's handler sees the form's fields, typed by their schema, and the staged file under its part's name.
bind(media.createMedia, async ({ body }) => {
  const alt: string = body.alt;
  const filename: string | undefined = body.filename;
  const size: number = body.file.size;
  const detected: string = body.file.mediaType;
  // @ts-expect-error `filename` is optional in the form
  const required: string = body.filename;
  // @ts-expect-error the form has no `caption`
  void body.caption;
  void [alt, filename, size, detected, required];
  return { status: 201, body: media.createMedia.responses[201].content.example, headers: { Location: '/api/v1/media/x' } };
});

// The client: its upload form and download types come from the document.
const folio = createClient({ baseUrl: 'http://localhost:3000' });
declare const file: Blob;
void folio.media.upload(file, { alt: 'A harbour' });
// @ts-expect-error alt text is required
void folio.media.upload(file, {});
void folio.POST('/api/v1/media', { body: { alt: 'A harbour', file } });
// @ts-expect-error the file part takes bytes (a Blob), not a string
void folio.POST('/api/v1/media', { body: { alt: 'A harbour', file: 'harbour.png' } });
void (async () => {
  const download = await folio.media.download('media_x', { range: { start: 0, end: 9 }, as: 'stream' });
  const stream: ReadableStream<Uint8Array> = download.data;
  const type: 'image/png' | 'image/jpeg' | 'image/webp' | 'image/gif' | 'image/avif' | 'application/pdf' = download.contentType;
  // @ts-expect-error a download is never SVG: the document declares no such type
  const svg: 'image/svg+xml' = download.contentType;
  void [stream, type, svg];
})();
