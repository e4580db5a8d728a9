import { DatabaseNotReadyError, openDatabaseNow } from './db/index.ts';
import { FolderInUseError } from './db/folder-lock.ts';
import { scheduleIdempotencySweep } from './http/idempotency.ts';
import { scheduleMediaSweep } from './media/sweep.ts';

/**
 * What a server does as it starts, before its first request (called from instrumentation.ts).
 * It opens the database — the embedded one locked to this process — and applies pending
 * migrations, saying in the log which database it uses and what it created or migrated; a folder
 * another process holds, or a migration that fails, stops the start with exit code 1 and a message
 * saying what to do, instead of failing every request. Then it starts the sweeps of expired
 * Idempotency-Keys and of abandoned uploads.
 */
export async function onServerStart(): Promise<void> {
  try {
    await openDatabaseNow();
  } catch (error) {
    // Thrown on, Next.js would only log it and answer 500s (production) or bury it in a stack (development).
    console.error(error instanceof FolderInUseError || error instanceof DatabaseNotReadyError ? error.message : error);
    process.exit(1);
  }
  scheduleIdempotencySweep();
  scheduleMediaSweep();
}
