import { openEmbeddedNow } from './db/index.ts';
import { FolderInUseError } from './db/folder-lock.ts';
import { scheduleIdempotencySweep } from './http/idempotency.ts';
import { enter } from './lifecycle.ts';

/**
 * What a server does as it starts, before its first request (called from instrumentation.ts).
 * It opens the embedded database — locking its folder to this process and migrating it — so that
 * a folder another process holds stops the start, with exit code 1 and a message naming the
 * holder, instead of failing every request; and it starts the sweep of expired Idempotency-Keys.
 */
export async function onServerStart(): Promise<void> {
  try {
    await openEmbeddedNow();
  } catch (error) {
    // Thrown on, Next.js would only log it and answer 500s (production) or bury it in a stack (development).
    console.error(error instanceof FolderInUseError ? error.message : error);
    process.exit(1);
  }
  scheduleIdempotencySweep();
  // Readiness has failed until now (server/lifecycle.ts).
  enter('serving');
}
