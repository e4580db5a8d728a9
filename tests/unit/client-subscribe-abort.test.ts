/**
 * `events.subscribe`'s signal ends the subscription even when the caller's fetch does not carry it
 * to the body (a wrapper that re-streams the body, a polyfill): the client cancels its own read, and
 * the cancel reaches the body's source, which is what closes a real connection. Over a real server
 * the same is proven in tests/e2e/client-events.test.ts; here the fetch is one that never hears of
 * the abort, so nothing but the client can end the read.
 */
import { describe, expect, it } from 'vitest';
import { createClient } from '@folio/client';
import { within } from '../support/within.ts';

/** A stream that sends one event and then stays open until cancelled, ignoring any signal. */
function deafFetch() {
  const state = { cancelled: false, connections: 0 };
  const fetcher: typeof fetch = async () => {
    state.connections++;
    const event = { id: 'evt_1', type: 'post.created', created_at: new Date(0).toISOString(), data: {} };
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(`retry: 10\n\nid: evt_1\ndata: ${JSON.stringify(event)}\n\n`));
      },
      cancel() {
        state.cancelled = true;
      },
    });
    return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
  };
  return { state, fetch: fetcher };
}

describe('events.subscribe with a fetch that ignores the signal once the body is open', () => {
  it('ends when aborted while waiting for the next event, and cancels the body', async () => {
    const deaf = deafFetch();
    const client = createClient({ baseUrl: 'http://folio.invalid', fetch: deaf.fetch });
    const controller = new AbortController();
    const events = client.events.subscribe({ signal: controller.signal });
    const first = await within(2000, 'the first event', events.next());
    expect(first.value?.id).toBe('evt_1');
    const next = events.next(); // waits on a read the fetch will never end
    controller.abort();
    expect(await within(2000, 'the end after the abort', next)).toEqual({ done: true, value: undefined });
    expect(deaf.state.cancelled).toBe(true);
    expect(deaf.state.connections).toBe(1);
  });

  it('does not read at all when the signal aborted while the stream was opening', async () => {
    const deaf = deafFetch();
    const controller = new AbortController();
    const client = createClient({
      baseUrl: 'http://folio.invalid',
      fetch: async (input, init) => {
        const response = await deaf.fetch(input, init);
        controller.abort(); // after the response, before the client reads its body
        return response;
      },
    });
    const events = client.events.subscribe({ signal: controller.signal });
    expect(await within(2000, 'the end after the abort', events.next())).toEqual({ done: true, value: undefined });
    expect(deaf.state.cancelled).toBe(true);
  });
});
