/**
 * Uploads that cannot hurt the server: memory stays flat whatever is sent (the body is streamed to
 * disk, counted, and cut at the limit), a slow upload has its own time limit instead of the JSON
 * requests' 30 s, an aborted upload leaves neither a row nor bytes, a crash's leftovers are swept,
 * and the storage quota holds.
 */
import { mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as contract from '../../contracts/media/operations.ts';
import { expectConforms, problemCode, send } from '../support/contract-assertions.ts';
import { databaseKinds, startFolio, type RunningFolio } from '../support/folio-server.ts';
import { signUp, type Account } from '../support/identity.ts';
import { pdf, png, upload } from '../support/media.ts';
import { rawUpload, type Sent } from '../support/raw-upload.ts';

const LIMIT = 25 * 1024 * 1024;
const MiB = 1024 * 1024;
const REQUEST_TIMEOUT_MS = 2000;
const UPLOAD_TIMEOUT_MS = 6000;

/** The server's resident memory, from the kernel: what it really holds, whatever the GC thinks. */
function rss(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!;
  return Number(/(\d+)/.exec(line)![1]) * 1024;
}

describe.each(databaseKinds())('upload limits on %s', (kind) => {
  let server: RunningFolio;
  let account: Account;
  const staged = () => readdirSync(join(server.mediaDir, 'incoming'));

  beforeAll(async () => {
    server = await startFolio(kind, {
      FOLIO_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      FOLIO_HEADERS_TIMEOUT_MS: '1000',
      FOLIO_MEDIA_UPLOAD_TIMEOUT_MS: String(UPLOAD_TIMEOUT_MS),
      FOLIO_MEDIA_QUOTA_BYTES: String(40 * MiB),
    });
    account = await signUp(server.baseUrl);
  });
  afterAll(async () => server?.stop());

  it('keeps memory flat: a file far over the limit, and one near it, move through a bounded buffer', { timeout: 120_000 }, async () => {
    // Warm up: the upload path's modules loaded, one upload and one refusal done.
    expect((await upload(server.baseUrl, account, await png(1))).status).toBe(201);
    expect((await rawUpload(server.baseUrl, account.token, { fileBytes: LIMIT + MiB }) as Sent).status).toBe(413);
    const baseline = rss(server.pid);
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, rss(server.pid))), 20);
    try {
      // 200 MiB, chunked: no Content-Length to refuse it by, so the byte counter must stop it.
      const far = (await rawUpload(server.baseUrl, account.token, { fileBytes: 200 * MiB })) as Sent;
      expect(far.status, far.body).toBe(413);
      expect(JSON.parse(far.body)).toMatchObject({ code: 'payload_too_large' });
      // Just under the limit, with its length: stored.
      const near = (await rawUpload(server.baseUrl, account.token, { fileBytes: LIMIT - 64 * 1024, declareLength: true })) as Sent;
      expect(near.status, near.body.slice(0, 500)).toBe(201);
      expect(JSON.parse(near.body)).toMatchObject({ size: LIMIT - 64 * 1024, content_type: 'application/pdf' });
    } finally {
      clearInterval(sampler);
    }
    const growth = peak - baseline;
    console.log(`upload RSS on ${kind}: baseline ${(baseline / MiB).toFixed(1)} MiB, peak ${(peak / MiB).toFixed(1)} MiB, growth ${(growth / MiB).toFixed(1)} MiB (limit ${LIMIT / MiB} MiB)`);
    expect(growth, 'RSS growth while uploading').toBeLessThan(3 * LIMIT);
    expect(staged()).toEqual([]);
  });

  it('a slow upload is not cut off by the JSON requests’ timeout; one that stalls past the upload timeout is 408', { timeout: 60_000 }, async () => {
    const slow = (await rawUpload(server.baseUrl, account.token, { fileBytes: 64 * 1024 * 12, declareLength: true, paceMs: (REQUEST_TIMEOUT_MS * 1.5) / 12 })) as Sent;
    expect(slow.status, slow.body).toBe(201);
    const started = Date.now();
    const stalled = (await rawUpload(server.baseUrl, account.token, { fileBytes: MiB, declareLength: true, stallAfter: 128 * 1024 })) as Sent;
    expect(stalled.status, stalled.body).toBe(408);
    expect(JSON.parse(stalled.body)).toMatchObject({ code: 'request_timeout' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(UPLOAD_TIMEOUT_MS - 200);
    await new Promise((r) => setTimeout(r, 300));
    expect(staged()).toEqual([]);
  });

  it('an upload aborted mid-stream leaves neither a row nor bytes', async () => {
    const before = await send(server.baseUrl, '/api/v1/media?limit=100', { headers: account.auth });
    const result = await rawUpload(server.baseUrl, account.token, { fileBytes: 10 * MiB, declareLength: true, abortAfter: 5 * MiB });
    expect(result).toBe('aborted');
    // The server notices the closed connection and removes what it staged.
    for (let i = 0; i < 50 && staged().length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(staged()).toEqual([]);
    const after = await send(server.baseUrl, '/api/v1/media?limit=100', { headers: account.auth });
    expect(after.body).toEqual(before.body);
  });

  it('refuses an upload past the storage quota with 409, storing nothing', async () => {
    // The near-limit upload above holds ~25 MiB of the 40 MiB quota.
    const objects = () => (readdirSync(join(server.mediaDir, 'objects'), { recursive: true }) as string[]).filter((path) => /[0-9a-f]{64}$/.test(path)).length;
    const count = objects();
    const res = await upload(server.baseUrl, account, pdf(20 * MiB));
    expectConforms(contract.createMedia, res);
    expect(res.status, res.text).toBe(409);
    expect(problemCode(res)).toBe('media_quota_exceeded');
    expect(objects()).toBe(count);
    expect(staged()).toEqual([]);
  });
});

describe('a server whose operator narrows the accepted types (FOLIO_MEDIA_TYPES)', () => {
  let server: RunningFolio;
  beforeAll(async () => {
    server = await startFolio('pglite', { FOLIO_MEDIA_TYPES: 'image/png' });
  });
  afterAll(async () => server?.stop());

  it('takes a PNG, and refuses a PDF with 415 although the document lists PDF', async () => {
    const account = await signUp(server.baseUrl);
    expect((await upload(server.baseUrl, account, await png(31))).status).toBe(201);
    const refused = await upload(server.baseUrl, account, pdf(4096));
    expectConforms(contract.createMedia, refused);
    expect(refused.status, refused.text).toBe(415);
    expect((refused.body as { detail: string }).detail).toContain('image/png');
    expect(readdirSync(join(server.mediaDir, 'incoming'))).toEqual([]);
  });
});

describe('the sweep of what a crash leaves behind', () => {
  let server: RunningFolio;
  afterAll(async () => server?.stop());

  it('removes old staging files and unreferenced objects as a server starts, and nothing recent', async () => {
    const mediaDir = join((await import('node:os')).tmpdir(), `folio-sweep-${process.pid}-${Date.now()}`);
    const old = new Date(Date.now() - 24 * 3600_000);
    const orphan = 'ab'.repeat(32);
    mkdirSync(join(mediaDir, 'objects', 'ab'), { recursive: true });
    mkdirSync(join(mediaDir, 'incoming'), { recursive: true });
    const files = {
      orphan: join(mediaDir, 'objects', 'ab', orphan),
      oldStaged: join(mediaDir, 'incoming', 'crashed.part'),
      freshStaged: join(mediaDir, 'incoming', 'running.part'),
    };
    for (const path of Object.values(files)) writeFileSync(path, 'bytes');
    utimesSync(files.orphan, old, old);
    utimesSync(files.oldStaged, old, old);
    server = await startFolio('pglite', { FOLIO_MEDIA_DIR: mediaDir });
    for (let i = 0; i < 50 && existsSync(files.orphan); i++) await new Promise((r) => setTimeout(r, 100));
    expect(existsSync(files.orphan)).toBe(false);
    expect(existsSync(files.oldStaged)).toBe(false);
    expect(existsSync(files.freshStaged)).toBe(true);
  });
});
