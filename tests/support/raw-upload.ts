import { request } from 'node:http';
import { pdf } from './media.ts';

export interface Sent {
  status: number;
  body: string;
}

/**
 * POSTs a multipart upload by hand, writing the file part's `fileBytes` in 64 KiB chunks, `pace`
 * ms apart, and stopping (`abortAfter` bytes) or answering early as the server does. With no
 * `contentLength` the body is chunked, so only the server's byte counter can stop it.
 */
export function rawUpload(
  baseUrl: string,
  token: string,
  options: { fileBytes: number; head?: Buffer; declareLength?: boolean; paceMs?: number; abortAfter?: number; stallAfter?: number },
): Promise<Sent | 'aborted'> {
  const boundary = 'folio-test-boundary';
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="alt"\r\n\r\nbig\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const fileHead = options.head ?? pdf(64);
  const total = head.length + options.fileBytes + tail.length;
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(
      {
        host: hostname,
        port,
        method: 'POST',
        path: '/api/v1/media',
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': `multipart/form-data; boundary=${boundary}`,
          ...(options.declareLength ? { 'Content-Length': String(total) } : { 'Transfer-Encoding': 'chunked' }),
        },
      },
      (res) => {
        answered = true;
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    // A server that answers before the body is sent (413) closes the connection a moment later: the
    // answer may still be on its way when the reset is seen.
    req.on('error', (error) => {
      if (options.abortAfter !== undefined) return resolve('aborted');
      setTimeout(() => (answered ? undefined : reject(error)), 500);
    });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const closed = new Promise((r) => req.once('close', r));
    let sent = 0;
    const pump = async () => {
      req.write(head);
      req.write(fileHead);
      sent = fileHead.length;
      while (sent < options.fileBytes && !answered) {
        if (options.abortAfter !== undefined && sent >= options.abortAfter) {
          req.destroy();
          setTimeout(() => resolve('aborted'), 100);
          return;
        }
        if (options.stallAfter !== undefined && sent >= options.stallAfter) return;
        const piece = chunk.subarray(0, Math.min(chunk.length, options.fileBytes - sent));
        sent += piece.length;
        if (!req.write(piece)) await Promise.race([new Promise((r) => req.once('drain', r)), closed]);
        if (req.destroyed) return;
        if (options.paceMs) await new Promise((r) => setTimeout(r, options.paceMs));
      }
      if (!answered) req.end(tail);
    };
    pump().catch(reject);
  });
}

