/**
 * Uploads and downloads (`client.media`): the multipart body and the byte stream, typed from the
 * document like every other call. A Blob or File goes as FormData; a stream is sent as it is read —
 * a multipart body built around it, never buffered — so a large file need not fit in memory.
 */
import { unwrap } from './errors.js';
import type { components, paths } from './schema.js';
import type { FetchClient } from './transport.js';

export type Media = components['schemas']['Media'];
/** The upload form as the document declares it; `file` is typed as a Blob (scripts/generate.ts). */
export type MediaUploadForm = paths['/api/v1/media']['post']['requestBody']['content']['multipart/form-data'];
/** The media types a download may have: those the document declares for the content. */
export type MediaContentType = keyof paths['/api/v1/media/{mediaId}/content']['get']['responses'][200]['content'];

export interface UploadOptions {
  alt: MediaUploadForm['alt'];
  filename?: MediaUploadForm['filename'];
  /** The type to declare for the file part (the server reads the real one from the bytes). */
  type?: string;
}

export interface DownloadOptions {
  /** One byte range: `{ start: 0, end: 1023 }` (inclusive), `{ start: 1024 }` to the end, or `{ suffix: 500 }` for the last 500 bytes. */
  range?: { start: number; end?: number } | { suffix: number };
  /** `blob` (the default) reads the bytes; `stream` hands over the body as it arrives. */
  as?: 'blob' | 'stream';
}

export interface Download<T> {
  data: T;
  /** 200 for the whole content, 206 for a range. */
  status: 200 | 206;
  contentType: MediaContentType;
  /** `bytes <first>-<last>/<size>` for a range. */
  contentRange: string | null;
  etag: string | null;
  response: Response;
}

type Bytes = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

function quote(value: string): string {
  // As browsers encode form field names and filenames (HTML's multipart/form-data encoding).
  return value.replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/"/g, '%22');
}

/** A multipart/form-data body around a stream of file bytes, produced as it is read. */
function multipartStream(fields: Record<string, string>, file: Bytes, filename: string, type: string): { body: ReadableStream<Uint8Array>; contentType: string } {
  const boundary = `----folio${crypto.randomUUID().replaceAll('-', '')}`;
  const encoder = new TextEncoder();
  const head =
    Object.entries(fields)
      .map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${quote(name)}"\r\n\r\n${value}\r\n`)
      .join('') + `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${quote(filename)}"\r\nContent-Type: ${type}\r\n\r\n`;
  const source = Symbol.asyncIterator in file ? (file as AsyncIterable<Uint8Array>) : streamIterable(file as ReadableStream<Uint8Array>);
  async function* parts() {
    yield encoder.encode(head);
    for await (const chunk of source) yield chunk;
    yield encoder.encode(`\r\n--${boundary}--\r\n`);
  }
  const iterator = parts();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await iterator.next();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    async cancel() {
      await iterator.return(undefined);
    },
  });
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

async function* streamIterable(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

function rangeHeader(range: DownloadOptions['range']): string | undefined {
  if (!range) return undefined;
  if ('suffix' in range) return `bytes=-${range.suffix}`;
  return `bytes=${range.start}-${range.end ?? ''}`;
}

export function mediaApi(client: FetchClient) {
  return {
    /** Uploads a file (Blob, File, a web ReadableStream or a Node stream) and returns its metadata; throws ApiError on a problem. */
    async upload(file: Blob | Bytes, options: UploadOptions): Promise<Media> {
      const fields: Record<string, string> = { alt: options.alt, ...(options.filename !== undefined && { filename: options.filename }) };
      if (file instanceof Blob) {
        const form: MediaUploadForm = { ...fields, alt: options.alt, file };
        const result = await client.POST('/api/v1/media', {
          body: form,
          bodySerializer: (body: MediaUploadForm) => {
            const data = new FormData();
            for (const [name, value] of Object.entries(body)) if (value !== undefined && name !== 'file') data.set(name, value as string);
            const named = typeof File !== 'undefined' && body.file instanceof File ? body.file.name : (options.filename ?? 'upload');
            data.set('file', options.type ? new Blob([body.file], { type: options.type }) : body.file, named);
            return data;
          },
        });
        return unwrap(result) as Media;
      }
      const { body, contentType } = multipartStream(fields, file, options.filename ?? 'upload', options.type ?? 'application/octet-stream');
      const result = await client.POST('/api/v1/media', {
        body: { alt: options.alt } as MediaUploadForm,
        bodySerializer: () => body as unknown as string,
        headers: { 'Content-Type': contentType },
        // A streamed request body: fetch needs to be told it is sent while the response may begin.
        duplex: 'half',
      } as never);
      return unwrap(result) as Media;
    },

    /** Downloads media, whole or one range; throws ApiError on a problem (404, 416 …). */
    async download<As extends 'blob' | 'stream' = 'blob'>(
      mediaId: string,
      options: DownloadOptions & { as?: As } = {},
    ): Promise<Download<As extends 'stream' ? ReadableStream<Uint8Array> : Blob>> {
      const range = rangeHeader(options.range);
      const result = await client.GET('/api/v1/media/{mediaId}/content', {
        params: { path: { mediaId }, header: range === undefined ? {} : { range } },
        parseAs: options.as ?? 'blob',
      });
      const data = unwrap(result as never) as As extends 'stream' ? ReadableStream<Uint8Array> : Blob;
      const { response } = result;
      return {
        data,
        status: response.status as 200 | 206,
        contentType: (response.headers.get('Content-Type') ?? '') as MediaContentType,
        contentRange: response.headers.get('Content-Range'),
        etag: response.headers.get('ETag'),
        response,
      };
    },
  };
}
