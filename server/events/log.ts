/**
 * The event log (migration 0010): written by services in the transaction that makes the change,
 * read by the list, the stream and webhook deliveries. Readers see only events of transactions
 * that have ended — `txid` below the oldest transaction still running in this database (HORIZON)
 * — so the log only ever grows at its end, whatever order transactions commit in.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { EventData, EventResource, EventType } from '../../contracts/events/schemas.ts';
import type { Scope } from '../../contracts/shared/auth.ts';
import type { Database, EventsTable } from '../db/schema.ts';
import { hasScope, type Caller } from '../identity/caller.ts';
import { newId } from '../ids.ts';
import type { Position } from './position.ts';

/**
 * Where the readable log ends: every transaction with a lower id has ended. The snapshot's own
 * xmin would do, but it counts transactions of every database on the server, so a long one in
 * another database (a report, a migration, a session left idle in a transaction) would hold
 * Folio's stream and deliveries still. So when xmin hides an event that has committed, the
 * horizon is the oldest transaction still running that may belong to this database: those of
 * backends connected to another database are skipped (a backend never changes database); one
 * whose backend cannot be found any more has just ended after the snapshot, so it still counts.
 */
const HORIZON = sql<string>`(
  case when not exists (select 1 from events where txid >= pg_snapshot_xmin(pg_current_snapshot()))
    then pg_snapshot_xmin(pg_current_snapshot())
    else (select coalesce(min(x), pg_snapshot_xmax(pg_current_snapshot()))
            from pg_snapshot_xip(pg_current_snapshot()) as x
           where x::xid not in (
             select l.transactionid from pg_locks l join pg_stat_activity a on a.pid = l.pid
              where l.locktype = 'transactionid' and l.granted and l.mode = 'ExclusiveLock'
                and a.datid <> (select oid from pg_database where datname = current_database())))
  end)`;

/** The channel a committed event is announced on (the payload is empty: the log is the truth). */
export const CHANNEL = 'folio_events';

/** Who may see an event: everyone, the owner of what it is about (and administrators), or administrators only. */
export type Audience = { visibility: 'public' } | { visibility: 'owner'; ownerId: string } | { visibility: 'admin' };

export const PUBLIC: Audience = { visibility: 'public' };
/** Seen by administrators alone: no owner matches it (visibleTo, readEvents). */
export const ADMINISTRATORS: Audience = { visibility: 'admin' };

/** Appends an event in the caller's transaction, and announces it (NOTIFY is delivered at commit). */
export async function recordEvent<T extends EventType>(trx: Kysely<Database>, type: T, data: EventData<T>, audience: Audience): Promise<void> {
  const now = new Date();
  await trx
    .insertInto('events')
    .values({
      id: newId('evt', now.getTime()),
      type,
      data: JSON.stringify(data),
      visibility: audience.visibility,
      owner_id: audience.visibility === 'owner' ? audience.ownerId : null,
      created_at: now,
    })
    .execute();
  await sql`select pg_notify(${CHANNEL}, '')`.execute(trx);
}

export type EventRow = Selectable<EventsTable>;

export function toEvent(row: Pick<EventRow, 'id' | 'type' | 'created_at' | 'data'>): EventResource {
  return { id: row.id, type: row.type, created_at: row.created_at.toISOString(), data: row.data } as EventResource;
}

export const positionOf = (row: EventRow): Position => ({ txid: row.txid, seq: row.seq });

/** The scopes that widen what a caller sees of the log (visibleTo): a webhook endpoint keeps those of the token that made it. */
export const SIGHT_SCOPES = ['admin', 'posts:read'] as const satisfies readonly Scope[];

/** Whether `caller` may see the event: a public one, or one about their own draft (with posts:read), or any as an administrator. */
export function visibleTo(row: Pick<EventRow, 'visibility' | 'owner_id'>, caller: Caller | null): boolean {
  if (row.visibility === 'public') return true;
  if (hasScope(caller, 'admin')) return true;
  return caller !== null && row.owner_id === caller.userId && hasScope(caller, 'posts:read');
}

export interface ReadOptions {
  after?: Position;
  /** Up to and including this place (a stream's catch-up ends where its live part starts). */
  upTo?: Position;
  types?: readonly string[];
  caller?: Caller | null;
  limit: number;
}

/**
 * Events after `after`, oldest first, of ended transactions only. With `caller`, only those the
 * caller may see (the same rule as visibleTo, in SQL).
 */
export async function readEvents(conn: Kysely<Database>, options: ReadOptions): Promise<EventRow[]> {
  let query = conn
    .selectFrom('events')
    .select(['id', sql<string>`txid::text`.as('txid'), sql<string>`seq::text`.as('seq'), 'type', 'data', 'visibility', 'owner_id', 'created_at'])
    .where(sql<boolean>`txid < ${HORIZON}`);
  const { after, upTo, types, caller } = options;
  if (after) query = query.where(sql<boolean>`(txid, seq) > (${after.txid}::xid8, ${after.seq}::bigint)`);
  if (upTo) query = query.where(sql<boolean>`(txid, seq) <= (${upTo.txid}::xid8, ${upTo.seq}::bigint)`);
  if (types?.length) query = query.where('type', 'in', [...types]);
  if (caller !== undefined && !hasScope(caller, 'admin')) {
    const own = caller && hasScope(caller, 'posts:read') ? caller.userId : null;
    query = query.where((eb) => (own ? eb.or([eb('visibility', '=', 'public'), eb('owner_id', '=', own)]) : eb('visibility', '=', 'public')));
  }
  // `events.`: a bare name would order by the text columns selected above, where seq 10 sorts before 9.
  return query.orderBy('events.txid').orderBy('events.seq').limit(options.limit).execute() as Promise<EventRow[]>;
}

/** The position of an event the caller may see, by id; undefined if there is none. */
export async function findPosition(conn: Kysely<Database>, id: string, caller: Caller | null): Promise<Position | undefined> {
  const row = await conn
    .selectFrom('events')
    .select([sql<string>`txid::text`.as('txid'), sql<string>`seq::text`.as('seq'), 'visibility', 'owner_id'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row && visibleTo(row, caller) ? { txid: row.txid, seq: row.seq } : undefined;
}

/** The last place in the log a reader may see now (the start, for an empty log). */
export async function head(conn: Kysely<Database>): Promise<Position> {
  const row = await conn
    .selectFrom('events')
    .select([sql<string>`txid::text`.as('txid'), sql<string>`seq::text`.as('seq')])
    .where(sql<boolean>`txid < ${HORIZON}`)
    .orderBy('events.txid', 'desc') // the columns, not the text selected (as in readEvents)
    .orderBy('events.seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ?? { txid: '0', seq: '0' };
}

/** Deletes events older than `olderThan`; returns how many. */
export async function sweepEvents(conn: Kysely<Database>, olderThan: Date): Promise<number> {
  const result = await conn.deleteFrom('events').where('created_at', '<', olderThan).executeTakeFirst();
  return Number(result.numDeletedRows);
}
