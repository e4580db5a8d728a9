/**
 * `npm run bench -- --media`: uploads and downloads, on each storage driver (the filesystem, and S3
 * through a local moto server), never in CI. Measures, for `count` uploads of `sizeMiB` MiB each
 * (10 × 20 MiB by default): upload throughput and the server's peak RSS, against writing the same
 * bytes to disk with a bare Node stream (the ratio says what parsing, hashing, type detection and
 * storing cost); download throughput, whole and in 1 MiB ranges. It asserts nothing.
 */
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { startFolio, type RunningFolio } from '../../tests/support/folio-server.ts';
import { rawUpload, type Sent } from '../../tests/support/raw-upload.ts';
import { startS3, type S3Server } from '../../tests/support/s3-server.ts';
import { pdf } from '../../tests/support/media.ts';

const MiB = 1024 * 1024;
const CHUNK = 64 * 1024;

function rss(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!;
  return Number(/(\d+)/.exec(line)![1]) * 1024;
}

/** Reads a body to its end, as a client saving it would; returns its length. */
async function drain(body: ReadableStream<Uint8Array>): Promise<number> {
  const reader = body.getReader();
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return length;
    length += value.length;
  }
}

const mbps = (bytes: number, ms: number) => bytes / MiB / (ms / 1000);

/** The same bytes an upload carries (a PDF head, then spaces), written with a bare stream: the floor. */
async function bareWrite(dir: string, count: number, size: number): Promise<number> {
  const chunk = Buffer.alloc(CHUNK, 0x20);
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const out = createWriteStream(join(dir, `bare-${i}`));
    for (let sent = 0; sent < size; sent += CHUNK) if (!out.write(chunk)) await once(out, 'drain');
    out.end();
    await once(out, 'finish');
  }
  return performance.now() - started;
}

async function token(baseUrl: string): Promise<string> {
  const user = { email: 'bench-media@example.com', username: 'bench_media', display_name: 'Bench', password: 'bench media password' };
  const post = (path: string, body: object) => fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  await (await post('/api/v1/users', user)).arrayBuffer();
  return ((await (await post('/api/v1/tokens', { email: user.email, password: user.password })).json()) as { token: string }).token;
}

interface DriverRun {
  driver: string;
  uploadMs: number;
  peakRssGrowth: number;
  downloadMs: number;
  rangeMs: number;
  rangeBytes: number;
}

async function measure(driver: string, server: RunningFolio, count: number, size: number): Promise<DriverRun> {
  const bearer = await token(server.baseUrl);
  const ids: string[] = [];
  const baseline = rss(server.pid);
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, rss(server.pid))), 20);
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    // A different head each time, so no upload is a duplicate of another.
    const head = Buffer.concat([pdf(32), Buffer.from(`% bench upload ${i} ${Date.now()}\n`)]);
    const sent = (await rawUpload(server.baseUrl, bearer, { fileBytes: size, head, declareLength: true })) as Sent;
    if (sent.status !== 201) throw new Error(`upload ${i}: ${sent.status} ${sent.body}`);
    ids.push((JSON.parse(sent.body) as { id: string }).id);
  }
  const uploadMs = performance.now() - started;
  clearInterval(sampler);

  const auth = { Authorization: `Bearer ${bearer}` };
  let downloadStarted = performance.now();
  for (const id of ids) {
    const res = await fetch(`${server.baseUrl}/api/v1/media/${id}/content`, { headers: auth });
    await drain(res.body!);
  }
  const downloadMs = performance.now() - downloadStarted;
  let rangeBytes = 0;
  downloadStarted = performance.now();
  for (const id of ids) {
    for (let start = 0; start < size; start += 4 * MiB) {
      const res = await fetch(`${server.baseUrl}/api/v1/media/${id}/content`, { headers: { ...auth, Range: `bytes=${start}-${start + MiB - 1}` } });
      rangeBytes += await drain(res.body!);
    }
  }
  const rangeMs = performance.now() - downloadStarted;
  return { driver, uploadMs, peakRssGrowth: peak - baseline, downloadMs, rangeMs, rangeBytes };
}

export async function runMedia(options: { count: number; sizeMiB: number; track: (cleanup: () => Promise<void>) => void }): Promise<void> {
  const { count } = options;
  const size = options.sizeMiB * MiB;
  const scratch = mkdtempSync(join(tmpdir(), 'folio-bench-media-'));
  options.track(async () => rmSync(scratch, { recursive: true, force: true }));
  const bareMs = await bareWrite(scratch, count, size);
  const total = count * size;
  console.log(`\nMedia: ${count} uploads of ${options.sizeMiB} MiB, then each downloaded whole and in 1 MiB ranges`);
  console.log(`  bare Node stream to disk: ${mbps(total, bareMs).toFixed(0)} MiB/s`);
  const env = { FOLIO_MEDIA_QUOTA_BYTES: String(100 * 1024 * MiB), FOLIO_RATE_LIMITS: 'read=1000000/60,write=1000000/60,auth=1000000/60' };
  let s3: S3Server | undefined;
  for (const driver of ['fs', 's3'] as const) {
    if (driver === 's3') {
      s3 = await startS3();
      options.track(() => s3!.stop());
    }
    const server = await startFolio('pglite', { ...env, ...(s3 && driver === 's3' ? s3.env : {}) });
    let stopped: Promise<void> | undefined;
    const stop = () => (stopped ??= server.stop());
    options.track(stop);
    const run = await measure(driver, server, count, size);
    await stop();
    console.log(
      `  ${driver.padEnd(3)} upload ${mbps(total, run.uploadMs).toFixed(0)} MiB/s (${(run.uploadMs / bareMs).toFixed(1)}× the bare write's time), ` +
        `peak RSS +${(run.peakRssGrowth / MiB).toFixed(1)} MiB; download ${mbps(total, run.downloadMs).toFixed(0)} MiB/s whole, ` +
        `${mbps(run.rangeBytes, run.rangeMs).toFixed(0)} MiB/s in 1 MiB ranges`,
    );
  }
}
