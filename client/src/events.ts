/**
 * Folio's events in the client: the typed union of the document's event envelopes, the log a page
 * at a time, and a live subscription to the SSE stream. The stream is read with fetch — so it
 * carries the client's headers hook (`Authorization`, which a browser's EventSource cannot send) —
 * parsed with eventsource-parser, and resumed after a dropped or ended connection from the last
 * event received (`Last-Event-ID`), as EventSource would, after the server's `retry:` delay.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { ApiError } from './errors.js';
import { EVENT_TYPES } from './operations.js';
import type { PageParams } from './paginate.js';
import { RETRYABLE_STATUS, retryAfterMs, sleep } from './retry.js';
import type { components } from './schema.js';
import type { FetchClient } from './transport.js';

/** Any event this client's document names, told apart by `type` (`PostCreatedEvent` | …). */
export type FolioEvent = components['schemas']['Event'];
export type FolioEventType = FolioEvent['type'];
/** The event of one type (or of a union of types): `EventOf<'post.created'>` is `PostCreatedEvent`. */
export type EventOf<T extends FolioEventType> = Extract<FolioEvent, { type: T }>;

/** An event of a type this client does not know: a newer server's. Its payload is untyped. */
export interface UnknownEvent {
  id: string;
  type: string;
  created_at: string;
  data: Record<string, unknown>;
}

export interface EventOptions {
  /**
   * Events of types this client does not know (a server newer than the client) are not yielded,
   * so the iterator's type stays an exact union; they are passed here instead, if given.
   */
  onUnknownEvent?: (event: UnknownEvent) => void;
}

type ListQuery = NonNullable<PageParams<'/api/v1/events'>['query']>;
/** `events.list`'s query: `after`, `limit` and `types` (which narrows what it yields). */
export type EventListQuery<T extends FolioEventType = FolioEventType> = Omit<ListQuery, 'types'> & { types?: readonly T[] };

export interface SubscribeOptions<T extends FolioEventType = FolioEventType> extends EventOptions {
  /** Only events of these types (and the iterator yields only their types). */
  types?: readonly T[];
  /** Resume after this event id; without it the stream starts now. */
  after?: string;
  /** `false`: end once the events after `after` are sent, instead of waiting for new ones (default `true`). */
  follow?: boolean;
  /** Aborting it ends the iterator (it returns; it does not throw), closing the connection or cancelling a pending reconnection. */
  signal?: AbortSignal;
}

export interface EventsApi {
  /** The log, oldest first, every page as the loop asks for it; throws ApiError on a problem. */
  list<T extends FolioEventType = FolioEventType>(query?: EventListQuery<T>, options?: EventOptions): AsyncGenerator<EventOf<T>, void, undefined>;
  /** The live stream: events as they happen, reconnecting and resuming until `signal` aborts; throws ApiError on a problem that waiting does not cure (4xx). */
  subscribe<T extends FolioEventType = FolioEventType>(options?: SubscribeOptions<T>): AsyncGenerator<EventOf<T>, void, undefined>;
}

const KNOWN = new Set(EVENT_TYPES);
/** Until the server says otherwise with `retry:` (it does first thing), as browsers' EventSource. */
const DEFAULT_RETRY_MS = 3000;

function isKnown(event: FolioEvent | UnknownEvent): event is FolioEvent {
  return KNOWN.has(event.type);
}

/** What fetch itself threw (the network, not the caller's headers hook): worth another try. */
class NetworkError extends Error {}

export interface EventsDependencies {
  client: FetchClient;
  /** The fetch the stream uses: the caller's own, without the client's retrying wrapper (the subscription reconnects itself). */
  fetch: typeof fetch;
  /** The longest one wait before reconnecting (the client's `retry.maxDelayMs`). */
  maxDelayMs: number;
  paginate(path: '/api/v1/events', params: { query: Record<string, unknown> }): AsyncGenerator<unknown, void, undefined>;
}

export function createEvents({ client, fetch, maxDelayMs, paginate }: EventsDependencies): EventsApi {
  async function* known<T extends FolioEventType>(events: AsyncIterable<unknown>, options: EventOptions): AsyncGenerator<EventOf<T>, void, undefined> {
    for await (const event of events as AsyncIterable<FolioEvent | UnknownEvent>) {
      if (isKnown(event)) yield event as EventOf<T>;
      else options.onUnknownEvent?.(event);
    }
  }

  async function* subscribe<T extends FolioEventType>(options: SubscribeOptions<T> = {}): AsyncGenerator<EventOf<T>, void, undefined> {
    const { signal, follow = true } = options;
    const query = { ...(options.types && { types: [...options.types] }), follow };
    let lastId = options.after;
    let retryMs = DEFAULT_RETRY_MS;
    // Failed attempts in a row (network errors, 429/503 without Retry-After): each waits twice the last.
    let failures = 0;
    const wait = (ms: number) => sleep(Math.min(ms, maxDelayMs), signal);
    const backoff = () => wait(retryMs * 2 ** failures++);

    while (!signal?.aborted) {
      let result: Awaited<ReturnType<typeof open>>;
      try {
        result = await open();
      } catch (error) {
        if (signal?.aborted) return;
        if (!(error instanceof NetworkError)) throw error; // the headers hook's, say: not ours to retry
        await backoff(); // the network: try again, as EventSource does
        continue;
      }
      // openapi-fetch has read a problem's body already; only a stream's is still open.
      const { response } = result;
      if (RETRYABLE_STATUS.has(response.status)) {
        const after = retryAfterMs(response);
        await (after === undefined ? backoff() : wait(after));
        continue;
      }
      if (!response.ok) throw new ApiError(response, result.error);
      if (!result.data || !response.headers.get('Content-Type')?.startsWith('text/event-stream')) {
        await result.data?.cancel();
        throw new ApiError(response, undefined); // not a stream: a proxy's page, say
      }
      failures = 0;

      const messages: EventSourceMessage[] = [];
      const parser = createParser({ onEvent: (message) => messages.push(message), onRetry: (ms) => (retryMs = ms) });
      const decoder = new TextDecoder();
      const reader = result.data.getReader();
      // An abort ends a pending read here, whatever the caller's fetch does with its signal once
      // the body is open (a wrapper's own stream may never hear of it): cancelling closes the connection.
      const stop = () => void reader.cancel().catch(() => undefined);
      signal?.addEventListener('abort', stop, { once: true });
      let ended = false; // by the server, rather than dropped
      try {
        while (!ended) {
          if (signal?.aborted) return;
          try {
            const chunk = await reader.read();
            if (signal?.aborted) return;
            if (chunk.done) ended = true;
            else parser.feed(decoder.decode(chunk.value, { stream: true }));
          } catch {
            if (signal?.aborted) return;
            break; // dropped: resume below
          }
          for (let message = messages.shift(); message; message = messages.shift()) {
            const event = JSON.parse(message.data) as FolioEvent | UnknownEvent;
            lastId = message.id ?? lastId;
            if (isKnown(event)) yield event as EventOf<T>;
            else options.onUnknownEvent?.(event);
            if (signal?.aborted) return;
          }
        }
      } finally {
        // A loop that breaks or throws, an abort: the connection goes with it.
        signal?.removeEventListener('abort', stop);
        await reader.cancel().catch(() => undefined);
      }
      if (ended && !follow) return;
      // Ended (a server recycles its streams) or dropped: reconnect after `retry:`, resuming after `lastId`.
      await wait(retryMs);
    }

    function open() {
      return client.GET('/api/v1/events/stream', {
        params: { query, ...(lastId !== undefined && { header: { 'last-event-id': lastId } }) },
        headers: { Accept: 'text/event-stream' },
        parseAs: 'stream',
        fetch: (request: Request) => fetch(request).catch((cause: unknown) => Promise.reject(new NetworkError('fetch failed', { cause }))),
        ...(signal && { signal }),
      });
    }
  }

  return {
    list: (query = {}, options = {}) => known(paginate('/api/v1/events', { query }), options),
    subscribe,
  };
}
