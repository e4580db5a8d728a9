/**
 * The dispatcher: reads the event log from its place (`webhook_dispatch`), and turns each event
 * into a delivery for every enabled endpoint that subscribes to its type and may see it (as the
 * token that made it may on the log), with the delivery's first attempt queued — all in one transaction with the move of its
 * place, so an event is dispatched exactly once, and never skipped: the log is read only up to the
 * oldest transaction still running (../events/log.ts), and the place survives restarts. One
 * dispatcher runs at a time across processes (the place's row is locked, and others skip it).
 */
import { sql, type Kysely } from 'kysely';
import { config } from '../config.ts';
import { db } from '../db/index.ts';
import type { Database } from '../db/schema.ts';
import { positionOf, readEvents, visibleTo, type EventRow } from '../events/log.ts';
import { effectiveScopes, type Caller } from '../identity/caller.ts';
import { newId } from '../ids.ts';
import { scheduleAttempt } from './queue.ts';

const BATCH = 200;

interface Subscriber {
  id: string;
  event_types: string[] | null;
  created_at: Date;
  /** Who it receives as: its owner, with the sight of the token that made it (`admin` only while the owner is an administrator). */
  as: Caller;
}

/** Whether the endpoint gets the event: its type, what its maker's token may read of the log (as on the stream), and not from before the endpoint existed. */
function receives(endpoint: Subscriber, event: EventRow): boolean {
  if (endpoint.event_types && !endpoint.event_types.includes(event.type)) return false;
  if (event.created_at < endpoint.created_at) return false;
  return visibleTo(event, endpoint.as);
}

/** Dispatches one batch; returns how many events it read (0: nothing new, or another process is at it). */
export async function dispatchBatch(): Promise<number> {
  return db()
    .transaction()
    .execute(async (trx) => {
      const place = await trx.selectFrom('webhook_dispatch').select([sql<string>`txid::text`.as('txid'), sql<string>`seq::text`.as('seq')]).forUpdate().skipLocked().executeTakeFirst();
      if (!place) return 0;
      const events = await readEvents(trx, { after: place, limit: BATCH });
      if (events.length === 0) return 0;
      const endpoints = await subscribers(trx);
      const now = new Date();
      for (const event of events) {
        for (const endpoint of endpoints) {
          if (!receives(endpoint, event)) continue;
          const id = newId('whd', now.getTime());
          const due = firstAttemptAt(now);
          // Never twice for one endpoint and event, whatever happens to the place (the constraint decides).
          const inserted = await trx
            .insertInto('webhook_deliveries')
            .values({ id, endpoint_id: endpoint.id, event_id: event.id, event_type: event.type, state: 'pending', next_attempt_at: due, created_at: now, updated_at: now })
            .onConflict((oc) => oc.columns(['endpoint_id', 'event_id']).doNothing())
            .executeTakeFirst();
          if (inserted.numInsertedOrUpdatedRows === 0n) continue;
          const jobId = await scheduleAttempt(trx, id, due);
          await trx.updateTable('webhook_deliveries').set({ job_id: jobId }).where('id', '=', id).execute();
        }
      }
      const last = positionOf(events.at(-1)!);
      await trx.updateTable('webhook_dispatch').set({ txid: sql`${last.txid}::xid8`, seq: last.seq }).execute();
      return events.length;
    });
}

/** When the first attempt is due: after the schedule's first delay (normally none). */
const firstAttemptAt = (now: Date) => new Date(now.getTime() + config.webhookRetrySchedule[0]!);

async function subscribers(trx: Kysely<Database>): Promise<Subscriber[]> {
  const rows = await trx
    .selectFrom('webhook_endpoints')
    .innerJoin('users', 'users.id', 'webhook_endpoints.owner_id')
    .select(['webhook_endpoints.id', 'webhook_endpoints.owner_id', 'users.is_admin', 'webhook_endpoints.scopes', 'webhook_endpoints.event_types', 'webhook_endpoints.created_at'])
    .where('webhook_endpoints.enabled', '=', true)
    .execute();
  return rows.map(({ owner_id, is_admin, scopes, ...endpoint }) => ({
    ...endpoint,
    as: { userId: owner_id, tokenId: endpoint.id, scopes: effectiveScopes(scopes, is_admin) },
  }));
}

/** Dispatches until the log is caught up. */
export async function dispatchAll(): Promise<void> {
  while ((await dispatchBatch()) === BATCH);
}
