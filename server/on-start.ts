import { DatabaseNotReadyError, openDatabaseNow } from './db/index.ts';
import { FolderInUseError } from './db/folder-lock.ts';
import { scheduleEventSweep } from './events/sweep.ts';
import { scheduleIdempotencySweep } from './http/idempotency.ts';
import { config } from './config.ts';
import { keepWebhookWorkerRunning } from './webhooks/worker.ts';
import { enter } from './lifecycle.ts';
import { scheduleMediaSweep } from './media/sweep.ts';

/**
 * What a server does as it starts, before its first request (called from instrumentation.ts).
 * It opens the database — the embedded one locked to this process — and applies pending
 * migrations, saying in the log which database it uses and what it created or migrated; a folder
 * another process holds, or a migration that fails, stops the start with exit code 1 and a message
 * saying what to do, instead of failing every request. Then it starts the sweeps of expired
 * Idempotency-Keys, of events past their retention and of abandoned uploads, and the webhook worker
 * (unless FOLIO_WEBHOOK_WORKER=off: then `npm run worker` processes deliver them).
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
  scheduleEventSweep();
  scheduleMediaSweep();
  if (config.webhookWorker) keepWebhookWorkerRunning();
  // Readiness has failed until now (server/lifecycle.ts).
  enter('serving');
}
