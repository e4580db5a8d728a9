/**
 * `npm run worker`: the webhook worker on its own — the dispatcher and the delivery attempts —
 * for deployments that scale it apart from the API (run the API with FOLIO_WEBHOOK_WORKER=off).
 * Any number may run against one PostgreSQL database: pg-boss gives each attempt to one of them.
 * The embedded database belongs to one process, so there the worker runs inside the server.
 * SIGTERM or SIGINT stop it after the attempts under way.
 */
import { config } from '../server/config.ts';
import { openDatabaseNow } from '../server/db/index.ts';
import { log } from '../server/log.ts';
import { keepWebhookWorkerRunning, stopWebhookWorker } from '../server/webhooks/worker.ts';

if (!config.databaseUrl) {
  console.error('npm run worker needs DATABASE_URL: the embedded database belongs to one process, whose server runs the worker itself.');
  process.exit(1);
}
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    log.info({ signal }, 'webhook worker stopping');
    void stopWebhookWorker().then(() => process.exit(0));
  });
}
await openDatabaseNow();
// A database that cannot be reached yet (it may start after the worker, as after the server) is
// tried again every 5 s, as the server's own worker does, rather than ending the process.
keepWebhookWorkerRunning({ holdProcess: true });
