import { sql, type Kysely, type Selectable } from 'kysely';
import { PIPELINE_ERRORS } from '../../contracts/shared/errors.ts';
import { webhookDeliveryNotFound, webhookEndpointDisabled, webhookEndpointNotFound, webhookUrlRefused } from '../../contracts/webhooks/errors.ts';
import {
  WebhookEndpoint,
  type WebhookAttemptResource,
  type WebhookDeliveryResource,
  type WebhookEndpointCreateInput,
  type WebhookEndpointResource,
  type WebhookEndpointUpdateInput,
} from '../../contracts/webhooks/schemas.ts';
import { config } from '../config.ts';
import { db } from '../db/index.ts';
import { keyset } from '../db/keyset.ts';
import type { Database, WebhookAttemptsTable, WebhookDeliveriesTable, WebhookEndpointsTable } from '../db/schema.ts';
import { transact } from '../db/transact.ts';
import { etagOf, matches } from '../etag.ts';
import { fail, isFailure } from '../failure.ts';
import { canActFor, hasScope, type Caller } from '../identity/caller.ts';
import { newId } from '../ids.ts';
import { SIGHT_SCOPES } from '../events/log.ts';
import { failPending, payloadOf, signingSecrets } from './attempt.ts';
import { checkUrl } from './destination.ts';
import { scheduleAttempt } from './queue.ts';
import { newSecret, seal } from './secrets.ts';
import { sendWebhook } from './send.ts';

const endpointKeyset = keyset('whe');
const deliveryKeyset = keyset('whd');
/** Attempts shown with a delivery: the last ones (a delivery retried by hand many times keeps them all in the log). */
const ATTEMPTS_SHOWN = 20;

type EndpointRow = Selectable<WebhookEndpointsTable>;
const iso = (date: Date | null) => date?.toISOString() ?? null;

function toEndpoint(row: EndpointRow): WebhookEndpointResource {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    event_types: row.event_types as WebhookEndpointResource['event_types'],
    enabled: row.enabled,
    disabled_reason: row.enabled ? null : row.disabled_reason,
    health: {
      last_success_at: iso(row.last_success_at),
      last_failure_at: iso(row.last_failure_at),
      consecutive_failures: row.consecutive_failures,
      failing_since: iso(row.failing_since),
    },
    previous_secret_expires_at: row.previous_secret_expires_at && row.previous_secret_expires_at > new Date() ? iso(row.previous_secret_expires_at) : null,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

/** The caller's endpoint (any, for an administrator); anyone else's does not exist for them (404). */
async function find(conn: Kysely<Database>, id: string, caller: Caller, lock = false) {
  let query = conn.selectFrom('webhook_endpoints').selectAll().where('id', '=', id);
  if (lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row && canActFor(caller, row.owner_id) ? row : fail(webhookEndpointNotFound, `You have no webhook endpoint ${id}.`);
}

async function refuseUrl(url: string) {
  const refusal = await checkUrl(url);
  if (refusal === 'invalid') return fail(webhookUrlRefused, 'The URL is not a valid http(s) URL.');
  if (refusal === 'address_refused') return fail(webhookUrlRefused, 'The URL’s host is, or resolves to, an address Folio may not call.');
  return undefined;
}

/** Each type once, in the contract's order: `["post.created", "post.created"]` is `["post.created"]`. */
const distinct = (types: readonly string[] | null | undefined) => (types ? [...new Set(types)] : types);

export async function listWebhookEndpoints(options: { limit: number; cursor?: string }, caller: Caller) {
  let query = db()
    .selectFrom('webhook_endpoints')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit + 1);
  if (!hasScope(caller, 'admin')) query = query.where('owner_id', '=', caller.userId);
  const after = endpointKeyset.after(options.cursor);
  if (after) query = query.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(after.createdAt, after.id)));
  return endpointKeyset.page(await query.execute(), options.limit, toEndpoint, (row) => ({ createdAt: row.created_at, id: row.id }));
}

export async function createWebhookEndpoint(input: WebhookEndpointCreateInput, caller: Caller) {
  const refused = await refuseUrl(input.url);
  if (refused) return refused;
  const now = new Date();
  const secret = newSecret();
  const row = await db()
    .insertInto('webhook_endpoints')
    .values({
      id: newId('whe', now.getTime()),
      owner_id: caller.userId,
      url: input.url,
      description: input.description ?? '',
      event_types: distinct(input.event_types) ?? null,
      secret: seal(secret),
      scopes: SIGHT_SCOPES.filter((scope) => hasScope(caller, scope)),
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { ...toEndpoint(row), secret };
}

export async function getWebhookEndpoint(id: string, caller: Caller) {
  const row = await find(db(), id, caller);
  return isFailure(row) ? row : toEndpoint(row);
}

/** The endpoint, locked, if the caller may act on it and — with If-Match — it is unchanged since they read it. */
async function lockForWrite(trx: Kysely<Database>, id: string, caller: Caller, ifMatch: string | undefined) {
  const row = await find(trx, id, caller, true);
  if (isFailure(row)) return row;
  if (ifMatch !== undefined && !matches(ifMatch, etagOf(JSON.stringify(WebhookEndpoint.parse(toEndpoint(row)))))) {
    return fail(PIPELINE_ERRORS.precondition_failed, 'The webhook endpoint changed since you read it.');
  }
  return row;
}

export async function updateWebhookEndpoint(id: string, patch: WebhookEndpointUpdateInput, caller: Caller, ifMatch?: string) {
  if (patch.url !== undefined) {
    const refused = await refuseUrl(patch.url);
    if (refused) return refused;
  }
  return transact(db(), async (trx) => {
    const current = await lockForWrite(trx, id, caller, ifMatch);
    if (isFailure(current)) return current;
    const enabling = patch.enabled === true && !current.enabled;
    const disabling = patch.enabled === false && current.enabled;
    const row = await trx
      .updateTable('webhook_endpoints')
      .set({
        ...(patch.url !== undefined && { url: patch.url }),
        ...(patch.description !== undefined && { description: patch.description }),
        ...(patch.event_types !== undefined && { event_types: distinct(patch.event_types) }),
        ...(disabling && { enabled: false, disabled_reason: 'manual' as const }),
        // Re-enabled: its health starts afresh, so old failures do not disable it again at once.
        ...(enabling && { enabled: true, disabled_reason: null, consecutive_failures: 0, failing_since: null }),
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (disabling) await failPending(trx, id, row.updated_at);
    return toEndpoint(row);
  });
}

export async function deleteWebhookEndpoint(id: string, caller: Caller, ifMatch?: string) {
  return transact(db(), async (trx) => {
    const current = await lockForWrite(trx, id, caller, ifMatch);
    if (isFailure(current)) return current;
    // Its deliveries and attempts go with it; their queued jobs find nothing and send nothing.
    await trx.deleteFrom('webhook_endpoints').where('id', '=', id).execute();
    return undefined;
  });
}

export async function rotateWebhookSecret(id: string, caller: Caller) {
  return transact(db(), async (trx) => {
    const current = await find(trx, id, caller, true);
    if (isFailure(current)) return current;
    const secret = newSecret();
    const expires = new Date(Date.now() + config.webhookSecretOverlapMs);
    await trx
      .updateTable('webhook_endpoints')
      .set({ secret: seal(secret), previous_secret: current.secret, previous_secret_expires_at: expires, updated_at: new Date() })
      .where('id', '=', id)
      .execute();
    return { secret, previous_secret_expires_at: expires.toISOString() };
  });
}

/** Sends a signed `ping` now and reports how it went (not queued, not logged). */
export async function testWebhookEndpoint(id: string, caller: Caller) {
  const endpoint = await find(db(), id, caller);
  if (isFailure(endpoint)) return endpoint;
  const now = new Date();
  const ping = { id: newId('evt', now.getTime()), type: 'ping', created_at: now.toISOString(), data: { endpoint_id: endpoint.id } };
  const { attempt } = await sendWebhook(endpoint.url, ping.id, payloadOf(ping), signingSecrets(endpoint));
  return { ...attempt, attempted_at: attempt.attempted_at.toISOString(), event_id: ping.id };
}

function toAttempt(row: Selectable<WebhookAttemptsTable>): WebhookAttemptResource {
  return {
    attempted_at: row.attempted_at.toISOString(),
    success: row.success,
    status_code: row.status_code,
    latency_ms: row.latency_ms,
    response_body: row.response_body,
    error: row.error as WebhookAttemptResource['error'],
  };
}

async function toDeliveries(conn: Kysely<Database>, rows: Selectable<WebhookDeliveriesTable>[]): Promise<WebhookDeliveryResource[]> {
  const ids = rows.map((row) => row.id);
  const attempts = ids.length
    ? await conn
        .selectFrom('webhook_attempts')
        .selectAll()
        .where('delivery_id', 'in', ids)
        .where(({ eb, ref }) => eb('attempt', '>', sql<number>`(select attempt_count from webhook_deliveries d where d.id = ${ref('delivery_id')}) - ${ATTEMPTS_SHOWN}`))
        .orderBy('attempt')
        .execute()
    : [];
  return rows.map((row) => ({
    id: row.id,
    endpoint_id: row.endpoint_id,
    event_id: row.event_id,
    event_type: row.event_type,
    state: row.state,
    attempt_count: row.attempt_count,
    attempts: attempts.filter((a) => a.delivery_id === row.id).map(toAttempt),
    next_attempt_at: iso(row.next_attempt_at),
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  }));
}

export async function listWebhookDeliveries(endpointId: string, options: { limit: number; cursor?: string; state?: WebhookDeliveryResource['state'] }, caller: Caller) {
  const endpoint = await find(db(), endpointId, caller);
  if (isFailure(endpoint)) return endpoint;
  let query = db()
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('endpoint_id', '=', endpointId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit + 1);
  if (options.state) query = query.where('state', '=', options.state);
  const after = deliveryKeyset.after(options.cursor);
  if (after) query = query.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(after.createdAt, after.id)));
  const rows = await query.execute();
  const page = deliveryKeyset.page(rows, options.limit, (row) => row, (row) => ({ createdAt: row.created_at, id: row.id }));
  return { ...page, data: await toDeliveries(db(), page.data) };
}

/** Queues an attempt now; the delivery's earlier job, if any, is replaced (it will find it is not current and send nothing). */
export async function retryWebhookDelivery(deliveryId: string, caller: Caller) {
  return transact(db(), async (trx) => {
    const delivery = await trx.selectFrom('webhook_deliveries').selectAll().where('id', '=', deliveryId).forUpdate().executeTakeFirst();
    const endpoint = delivery && (await find(trx, delivery.endpoint_id, caller));
    if (!delivery || !endpoint || isFailure(endpoint)) return fail(webhookDeliveryNotFound, `You have no webhook delivery ${deliveryId}.`);
    if (!endpoint.enabled) return fail(webhookEndpointDisabled, `Endpoint ${endpoint.id} is disabled.`);
    const now = new Date();
    const jobId = await scheduleAttempt(trx, deliveryId);
    const row = await trx
      .updateTable('webhook_deliveries')
      .set({ state: 'pending', next_attempt_at: now, job_id: jobId, updated_at: now })
      .where('id', '=', deliveryId)
      .returningAll()
      .executeTakeFirstOrThrow();
    return (await toDeliveries(trx, [row]))[0]!;
  });
}
