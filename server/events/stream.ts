/**
 * One client's event stream: the events it missed (from the log, after its `Last-Event-ID`), then
 * the live ones (from the hub), with neither a gap nor a duplicate between them, only those the
 * caller may see and asked for. It ends when the client goes (its request's signal), after the
 * catch-up with `follow=false`, or after FOLIO_SSE_MAX_AGE_MS (a client reconnects with its last
 * id, so long-lived connections are recycled through load balancers).
 */
import { STREAM_MAX_PENDING } from '../../contracts/events/operations.ts';
import type { EventResource } from '../../contracts/events/schemas.ts';
import { config } from '../config.ts';
import { db } from '../db/index.ts';
import { reauthenticate } from '../http/authenticate.ts';
import type { Caller } from '../identity/caller.ts';
import { stopping } from '../lifecycle.ts';
import { eventHub } from './hub.ts';
import { head, positionOf, readEvents, toEvent, visibleTo, type EventRow } from './log.ts';
import { isAfter, type Position } from './position.ts';

const CATCH_UP_BATCH = 200;

export interface StreamOptions {
  caller: Caller | null;
  types?: readonly string[];
  /** Resume after this place; without it the stream starts now. */
  after?: Position;
  follow: boolean;
  signal: AbortSignal;
}

/** Open streams per caller (an account, or an address), for FOLIO_SSE_MAX_STREAMS. */
const open = new Map<string, number>();

export function streamsOpen(key: string): number {
  return open.get(key) ?? 0;
}

/**
 * Opens a stream: counts it, and — before a byte is sent, so that a database that is away is a
 * 503 and not a broken stream — subscribes to the hub (or reads the log's head, without
 * `follow`). The returned events then come as the client reads them.
 */
export async function openEventStream(key: string, options: StreamOptions): Promise<AsyncGenerator<EventResource>> {
  const { types, signal } = options;
  // Who the stream is for, checked again at every heartbeat: revoked or expired, the token's
  // stream ends; an administrator's right withdrawn, what only administrators see stops.
  let caller = options.caller;
  // Never one the client already has: the hub may start behind its Last-Event-ID (just after a
  // commit, or on an instance that has not heard of that event yet), and the catch-up then reads
  // nothing. Live events come in log order, so once one is past that place all are.
  let behind = options.after !== undefined;
  const pastResumption = (row: EventRow) => {
    if (behind) behind = !isAfter(positionOf(row), options.after!);
    return !behind;
  };
  const wanted = (row: EventRow) => pastResumption(row) && (!types?.length || types.includes(row.type)) && visibleTo(row, caller);
  // Live events wait here until the catch-up is done; `wake` resolves the reader's wait.
  const pending: EventRow[] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  let unsubscribe: (() => void) | undefined;
  const end = () => {
    ended = true;
    wake?.();
  };
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    end();
    clearTimeout(maxAge);
    clearInterval(recheck);
    signal.removeEventListener('abort', close);
    stopping().removeEventListener('abort', end);
    unsubscribe?.();
    const left = streamsOpen(key) - 1;
    if (left > 0) open.set(key, left);
    else open.delete(key);
  };
  open.set(key, streamsOpen(key) + 1);
  const maxAge = setTimeout(end, config.sseMaxAgeMs);
  // An anonymous stream has no token to check.
  const recheck = caller
    ? setInterval(() => {
        if (ended) return;
        // A database away for a moment is no reason to end it: the next check decides.
        reauthenticate(caller!).then((now) => (now ? (caller = now) : end()), () => undefined);
      }, config.sseHeartbeatMs).unref()
    : undefined;
  // The client may go before reading a single event: nothing stays behind either way.
  signal.addEventListener('abort', close, { once: true });
  // A server shutting down ends its streams (the clients resume elsewhere with their last id) rather than wait out its grace.
  if (stopping().aborted) end();
  else stopping().addEventListener('abort', end, { once: true });
  let upTo: Position;
  try {
    if (options.follow) {
      const subscription = await eventHub().subscribe((row) => {
        if (ended || !wanted(row)) return;
        pending.push(row);
        // A client this far behind is let go: it reconnects with its last id and catches up from the log instead of from memory.
        if (pending.length > STREAM_MAX_PENDING) end();
        wake?.();
      });
      unsubscribe = subscription.unsubscribe;
      // Closed while subscribing (the client went at once): close() found nothing to unsubscribe then.
      if (closed) subscription.unsubscribe();
      upTo = subscription.from;
    } else {
      upTo = await head(db());
    }
  } catch (error) {
    close();
    throw error;
  }
  if (signal.aborted) close();

  const events = (async function* () {
    try {
      // Catch up from the log: after the client's last event, up to where the live part starts.
      for (let after = options.after; after && !ended; ) {
        const rows = await readEvents(db(), { after, upTo, types, caller, limit: CATCH_UP_BATCH });
        for (const row of rows) yield toEvent(row);
        if (rows.length < CATCH_UP_BATCH) break;
        after = positionOf(rows.at(-1)!);
      }
      if (!options.follow) return;
      for (;;) {
        while (pending.length > 0 && !ended) yield toEvent(pending.shift()!);
        if (ended) return;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    } finally {
      close();
    }
  })();
  // A generator ended before its first read (HEAD, or a client gone at once) never enters its
  // `finally`: its return() lets go of the slot and the subscription itself.
  const returnEvents = events.return.bind(events);
  events.return = (value) => {
    close();
    return returnEvents(value);
  };
  return events;
}
