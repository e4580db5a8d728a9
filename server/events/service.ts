import { eventNotFound, tooManyStreams } from '../../contracts/events/errors.ts';
import { config } from '../config.ts';
import { db } from '../db/index.ts';
import { keysetPages } from '../db/keyset.ts';
import { fail } from '../failure.ts';
import type { Caller } from '../identity/caller.ts';
import { findPosition, positionOf, readEvents, toEvent } from './log.ts';
import { decodePosition, encodePosition } from './position.ts';
import { openEventStream, streamsOpen } from './stream.ts';

const eventsKeyset = keysetPages({ encode: encodePosition, decode: decodePosition });

const notFound = (id: string) => fail(eventNotFound, `No event you may see has the id ${id}; it may have been swept.`);

/** Events after a cursor or an event id, oldest first, those the caller may see. */
export async function listEvents(options: { limit: number; cursor?: string; after?: string; types?: string[] }, caller: Caller | null) {
  let after = eventsKeyset.after(options.cursor);
  if (!after && options.after) {
    after = await findPosition(db(), options.after, caller);
    if (!after) return notFound(options.after);
  }
  const rows = await readEvents(db(), { after, types: options.types, caller, limit: options.limit + 1 });
  return eventsKeyset.page(rows, options.limit, toEvent, positionOf);
}

/** A stream for the caller (counted against FOLIO_SSE_MAX_STREAMS under `key`), resuming after an event id. */
export async function openStream(key: string, options: { caller: Caller | null; types?: string[]; after?: string; follow: boolean; signal: AbortSignal }) {
  const after = options.after ? await findPosition(db(), options.after, options.caller) : undefined;
  if (options.after && !after) return notFound(options.after);
  // Counted and taken with no await between (openEventStream counts the stream before its first):
  // checked before the lookup above, requests arriving together all passed the check.
  if (streamsOpen(key) >= config.sseMaxStreams) {
    // Like every 429, it says when to try again: a stream is freed when its client goes, so a reconnection delay is a fair wait.
    return fail(tooManyStreams, `At most ${config.sseMaxStreams} event streams may be open at once.`, { 'Retry-After': String(Math.ceil(config.sseRetryMs / 1000)) });
  }
  return openEventStream(key, { ...options, after });
}
