/**
 * Catches what a crash leaves behind. Uploads stage their bytes in `<FOLIO_MEDIA_DIR>/incoming` and
 * store them before their row commits; a failed upload cleans up after itself, but a process that
 * dies mid-upload cannot. So every instance, as it starts and then hourly, removes staging files
 * and stored objects that no row names, once they are older than any upload can take (twice
 * FOLIO_MEDIA_UPLOAD_TIMEOUT_MS): an upload still running is never swept from under it.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { every } from '../background.ts';
import { config } from '../config.ts';
import { db } from '../db/index.ts';
import { log } from '../log.ts';
import { forgetIfUnreferenced } from './objects.ts';
import { mediaStorage } from './storage/index.ts';

const SWEEP_EVERY_MS = 60 * 60_000;

export async function sweepMedia(now = Date.now()): Promise<{ staged: number; objects: number }> {
  const before = now - 2 * config.media.uploadTimeoutMs;
  let staged = 0;
  const incoming = join(config.media.dir, 'incoming');
  for (const name of await readdir(incoming).catch(() => [] as string[])) {
    const info = await stat(join(incoming, name)).catch(() => undefined);
    if (info && info.mtimeMs < before) {
      await rm(join(incoming, name), { force: true });
      staged++;
    }
  }
  let objects = 0;
  for await (const { key, modifiedAt } of mediaStorage().list()) {
    if (modifiedAt.getTime() >= before) continue;
    const forgotten = await db()
      .transaction()
      .execute((trx) => forgetIfUnreferenced(trx, key));
    if (forgotten) objects++;
  }
  return { staged, objects };
}

/** As background work (server/background.ts): a slow sweep (an S3 listing) never overlaps the next, and shutdown waits for it before closing the database. */
export function scheduleMediaSweep(): void {
  every('media-sweep', SWEEP_EVERY_MS, async () => {
    try {
      const swept = await sweepMedia();
      if (swept.staged > 0 || swept.objects > 0) log.info(swept, 'abandoned uploads swept');
    } catch (error) {
      log.warn({ err: error }, 'sweeping abandoned uploads failed');
    }
  });
}
