/**
 * The webhook worker: the dispatcher (events → deliveries), woken by the event hub's notifications
 * and by a slow poll, and pg-boss workers running attempts, FOLIO_WEBHOOK_CONCURRENCY at a time.
 * It runs inside `npm start` and `npm run dev` (unless FOLIO_WEBHOOK_WORKER=off) and on its own
 * with `npm run worker`; any number may run against one PostgreSQL database.
 */
import { registerBackgroundWork } from '../background.ts';
import { config } from '../config.ts';
import { embeddedDatabase } from '../db/index.ts';
import { eventHub } from '../events/hub.ts';
import { log } from '../log.ts';
import { runAttempt } from './attempt.ts';
import { dispatchAll } from './dispatch.ts';
import { QUEUE, queue, stopQueue, type AttemptJob } from './queue.ts';

const POLL_MS = 2000;
/** Attempts one pg-boss worker fetches at once (FOLIO_WEBHOOK_CONCURRENCY are spread over as many workers as it takes). */
const ATTEMPTS_PER_FETCH = 4;

interface Worker {
  stop(): Promise<void>;
}

const holder = globalThis as typeof globalThis & { __folioWebhookWorker?: Promise<Worker> };

async function start(): Promise<Worker> {
  const boss = await queue();
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  // One dispatch at a time in this process; a wake during one runs another after it.
  const dispatch = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = dispatchAll()
      .catch((error: unknown) => log.warn({ err: error }, 'webhook dispatch failed; the next notification or poll retries'))
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          dispatch();
        }
      });
  };
  const { unsubscribe } = await eventHub().subscribe(() => dispatch());
  const poll = setInterval(dispatch, POLL_MS);
  dispatch();
  // NOTIFY wakes a worker for an attempt due now; one due later (a retry) is found by polling, so
  // poll about as often as the shortest retry delay (between 0.5 and 2 s).
  const retries = config.webhookRetrySchedule.filter((delay) => delay > 0);
  const pollSeconds = Math.max(0.5, Math.min(2, Math.min(...retries, 2000) / 1000));
  const polling = { pollingIntervalSeconds: pollSeconds, notifyPollingIntervalSeconds: pollSeconds };
  // A worker that fetched one job waits out its poll before the next fetch unless NOTIFY wakes it,
  // which caps a backlog (a burst of events, retries coming due) at about one attempt per worker
  // per poll. So each fetches a few at once and, while its fetches come back full, fetches again
  // at once (burstWhenBatchFull); the attempts of a batch run side by side, each settled alone.
  // Not on the embedded database: its one connection is the API's too, and a backlog of attempts
  // fetched without pause would queue every request behind them.
  const batchSize = embeddedDatabase() ? 1 : Math.min(ATTEMPTS_PER_FETCH, config.webhookConcurrency);
  const workers = Math.ceil(config.webhookConcurrency / batchSize);
  await boss.work<AttemptJob>(
    QUEUE,
    { localConcurrency: workers, batchSize, burstWhenBatchFull: true, perJobResults: true, ...polling },
    (jobs) =>
      Promise.all(
        jobs.map(async (job) => {
          try {
            await runAttempt(job.data.delivery_id, job.id);
            return { id: job.id, status: 'completed' as const };
          } catch (error) {
            // Failed alone, and retried by pg-boss; the others of its batch stand.
            log.warn({ err: error, delivery: job.data.delivery_id }, 'webhook attempt failed; pg-boss retries it');
            return { id: job.id, status: 'failed' as const, output: { message: error instanceof Error ? error.message : String(error) } };
          }
        }),
      ),
  );
  log.info({ concurrency: config.webhookConcurrency }, 'webhook worker started');
  // Shutdown stops it like other background work: no new attempts; those under way finish.
  registerBackgroundWork({ name: 'webhook-worker', stop: stopWebhookWorker });
  return {
    async stop() {
      stopped = true;
      clearInterval(poll);
      unsubscribe();
      await running;
      await stopQueue();
    },
  };
}

/** Starts this process's worker (once). */
export function startWebhookWorker(): Promise<Worker> {
  holder.__folioWebhookWorker ??= start().catch((error: unknown) => {
    holder.__folioWebhookWorker = undefined;
    throw error;
  });
  return holder.__folioWebhookWorker;
}

/** Starts the worker, trying again every 5 s while it cannot (the database is away): a server serves meanwhile. */
export function keepWebhookWorkerRunning(options: { holdProcess?: boolean } = {}): void {
  const attempt = () =>
    void startWebhookWorker().catch((error: unknown) => {
      log.warn({ err: error }, 'the webhook worker could not start; trying again in 5 s');
      const retry = setTimeout(attempt, 5000);
      // In the server, the server keeps the process alive; `npm run worker` has only this timer to.
      if (!options.holdProcess) retry.unref();
    });
  attempt();
}

/** Stops it: no new attempts, those under way finish (or are cut after the timeout and retried elsewhere). */
export async function stopWebhookWorker(): Promise<void> {
  const worker = await holder.__folioWebhookWorker?.catch(() => undefined);
  holder.__folioWebhookWorker = undefined;
  await worker?.stop();
}
