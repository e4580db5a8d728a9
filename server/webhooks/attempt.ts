/**
 * One attempt of one delivery, as the worker runs it: send the event, then — in one transaction —
 * log the attempt, update the endpoint's health, and either finish the delivery or queue its next
 * attempt on the schedule. A job that is not the delivery's current one (a redelivery replaced
 * it, or it already ran before its worker died) sends nothing. An endpoint answering 410, or
 * failing for FOLIO_WEBHOOK_DISABLE_AFTER, is disabled, and a `webhook_endpoint.disabled` event
 * tells its owner.
 */
import type { Kysely, Selectable } from 'kysely';
import { webhookFor } from '../../contracts/webhooks/deliveries.ts';
import { config } from '../config.ts';
import { db } from '../db/index.ts';
import type { Database, WebhookEndpointsTable } from '../db/schema.ts';
import { recordEvent, toEvent } from '../events/log.ts';
import { log } from '../log.ts';
import { scheduleAttempt } from './queue.ts';
import { unseal } from './secrets.ts';
import { sendWebhook, type AttemptOutcome } from './send.ts';

/** The secrets a delivery is signed with now: the current one, and the previous one until its overlap ends. */
export function signingSecrets(endpoint: Pick<Selectable<WebhookEndpointsTable>, 'secret' | 'previous_secret' | 'previous_secret_expires_at'>, now = new Date()): string[] {
  const secrets = [unseal(endpoint.secret)];
  if (endpoint.previous_secret && endpoint.previous_secret_expires_at && endpoint.previous_secret_expires_at > now) secrets.push(unseal(endpoint.previous_secret));
  return secrets;
}

/** The delay before attempt `n + 1` after `n` attempts, with up to 10% jitter (so retries of many deliveries spread out); undefined when the schedule is done. */
export function nextDelay(attemptsMade: number, retryAfterMs?: number): number | undefined {
  const base = config.webhookRetrySchedule[attemptsMade];
  if (base === undefined) return undefined;
  const jittered = base + Math.round(Math.random() * base * 0.1);
  return retryAfterMs === undefined ? jittered : Math.max(jittered, Math.min(retryAfterMs, 24 * 3_600_000));
}

/** The exact bytes a delivery carries: the event's envelope, checked against its webhook's declaration. */
export function payloadOf(envelope: { type: string }): string {
  const { type } = envelope;
  const checked = webhookFor(type).payload.safeParse(envelope);
  if (!checked.success) log.error({ type, issues: checked.error.issues }, 'webhook payload breaks its declaration');
  return JSON.stringify(checked.success ? checked.data : envelope);
}

/** A disabled endpoint's pending deliveries fail (listed as failed, they can be redelivered once it is enabled again): all of them, or one. */
export async function failPending(trx: Kysely<Database>, endpointId: string, now: Date, deliveryId?: string) {
  // The job stays the delivery's: an attempt under way that then succeeds still marks it succeeded.
  let update = trx.updateTable('webhook_deliveries').set({ state: 'failed', next_attempt_at: null, updated_at: now }).where('endpoint_id', '=', endpointId).where('state', '=', 'pending');
  if (deliveryId) update = update.where('id', '=', deliveryId);
  await update.execute();
}

async function disable(trx: Kysely<Database>, endpoint: { id: string; owner_id: string }, reason: 'gone' | 'failing', now: Date) {
  await trx.updateTable('webhook_endpoints').set({ enabled: false, disabled_reason: reason, updated_at: now }).where('id', '=', endpoint.id).execute();
  await failPending(trx, endpoint.id, now);
  await recordEvent(trx, 'webhook_endpoint.disabled', { endpoint_id: endpoint.id, reason }, { visibility: 'owner', ownerId: endpoint.owner_id });
  log.warn({ endpoint: endpoint.id, reason }, 'webhook endpoint disabled');
}

/** Logs the attempt and decides what follows, in one transaction; `jobId` must still be the delivery's job for anything to follow. */
async function settle(deliveryId: string, jobId: string, outcome: AttemptOutcome): Promise<void> {
  await db()
    .transaction()
    .execute(async (trx) => {
      // The endpoint first, then the delivery: the order its owner's PATCH (failing pending
      // deliveries) and DELETE (cascading to them) lock them in, so the two never deadlock.
      const endpoint = await trx
        .selectFrom('webhook_endpoints')
        .selectAll()
        .where('id', '=', (eb) => eb.selectFrom('webhook_deliveries').select('endpoint_id').where('id', '=', deliveryId))
        .forUpdate()
        .executeTakeFirst();
      const delivery = endpoint && (await trx.selectFrom('webhook_deliveries').selectAll().where('id', '=', deliveryId).forUpdate().executeTakeFirst());
      if (!endpoint || !delivery) return; // deleted meanwhile, with its endpoint
      const attempt = delivery.attempt_count + 1;
      const now = new Date();
      await trx.insertInto('webhook_attempts').values({ delivery_id: deliveryId, attempt, ...outcome.attempt }).execute();
      const current = delivery.job_id === jobId;
      if (outcome.attempt.success) {
        await trx.updateTable('webhook_endpoints').set({ last_success_at: now, consecutive_failures: 0, failing_since: null }).where('id', '=', endpoint.id).execute();
        await trx.updateTable('webhook_deliveries').set({ attempt_count: attempt, ...(current && { state: 'succeeded', next_attempt_at: null, job_id: null }), updated_at: now }).where('id', '=', deliveryId).execute();
        return;
      }
      const failingSince = endpoint.failing_since ?? now;
      await trx
        .updateTable('webhook_endpoints')
        .set({ last_failure_at: now, consecutive_failures: endpoint.consecutive_failures + 1, failing_since: failingSince })
        .where('id', '=', endpoint.id)
        .execute();
      await trx.updateTable('webhook_deliveries').set({ attempt_count: attempt, updated_at: now }).where('id', '=', deliveryId).execute();
      if (!current) return;
      // Disabled while this attempt was under way.
      if (!endpoint.enabled) return failPending(trx, endpoint.id, now, deliveryId);
      if (outcome.attempt.status_code === 410) return disable(trx, endpoint, 'gone', now);
      if (now.getTime() - failingSince.getTime() >= config.webhookDisableAfterMs) return disable(trx, endpoint, 'failing', now);
      const delay = nextDelay(attempt, outcome.retryAfterMs);
      if (delay === undefined) {
        await trx.updateTable('webhook_deliveries').set({ state: 'failed', next_attempt_at: null, job_id: null }).where('id', '=', deliveryId).execute();
        return;
      }
      const due = new Date(now.getTime() + delay);
      const next = await scheduleAttempt(trx, deliveryId, due);
      await trx.updateTable('webhook_deliveries').set({ next_attempt_at: due, job_id: next }).where('id', '=', deliveryId).execute();
    });
}

/** Runs the attempt a job stands for. */
export async function runAttempt(deliveryId: string, jobId: string): Promise<void> {
  const row = await db()
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
    .innerJoin('events as ev', 'ev.id', 'd.event_id')
    .select(['d.job_id', 'd.state', 'd.endpoint_id', 'e.url', 'e.enabled', 'e.secret', 'e.previous_secret', 'e.previous_secret_expires_at'])
    .select(['ev.id', 'ev.type', 'ev.created_at', 'ev.data'])
    .where('d.id', '=', deliveryId)
    .executeTakeFirst();
  // Gone (endpoint deleted, event swept), done, or replaced by a redelivery: nothing to send.
  if (!row || row.job_id !== jobId || row.state !== 'pending') return;
  // The endpoint was disabled: nothing to send, and the delivery has failed.
  if (!row.enabled) return failPending(db(), row.endpoint_id, new Date(), deliveryId);
  const body = payloadOf(toEvent(row));
  const outcome = await sendWebhook(row.url, row.id, body, signingSecrets(row));
  const { success, status_code, latency_ms, error } = outcome.attempt;
  // One line per attempt: what on-call reads first when a partner says a delivery never came.
  log.info({ delivery: deliveryId, event: row.id, success, status_code, latency_ms, error }, 'webhook attempt');
  await settle(deliveryId, jobId, outcome);
}
