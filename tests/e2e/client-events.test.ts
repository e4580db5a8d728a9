/**
 * @folio/client's events against the production build: `events.subscribe` (typed events over SSE
 * read with fetch, resumed with Last-Event-ID after the server ends a stream, after its `retry:`
 * delay, stopped by a signal, a 4xx thrown as ApiError) and `events.list` (the log, paged).
 *
 * The shared servers serve the tests that need no special settings; other test files write to
 * them too, so each test looks only at events about what it made itself. A server of its own per
 * database recycles streams quickly and asks for a long reconnection delay.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ApiError, createClient, unwrap, type EventOf, type FolioClient, type FolioEvent, type UnknownEvent } from '@folio/client';
import { openStream, type OpenStream } from '../support/event-stream.ts';
import { databaseKinds, startFolio, type RunningFolio } from '../support/folio-server.ts';
import { signUp, type Account } from '../support/identity.ts';
import { within } from '../support/within.ts';

const servers = inject('servers');

/** One request for the event stream, as the client sent it, and when its response ended (the server closing it). */
interface Connection {
  lastEventId: string | null;
  authorization: string | null;
  accept: string | null;
  sentAt: number;
  status?: number;
  answeredAt?: number;
  retryAfter?: string | null;
  endedAt?: number;
}

/**
 * A fetch for the client that records every request, and for the stream each connection; it may
 * rewrite a stream's body (to play a newer server), or fail the first connections as a network would.
 */
function recordingFetch({ rewrite, networkFailures = 0 }: { rewrite?: (body: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array>; networkFailures?: number } = {}) {
  const requests: Request[] = [];
  const connections: Connection[] = [];
  const fetcher: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    requests.push(request.clone());
    if (!new URL(request.url).pathname.endsWith('/events/stream')) return fetch(request);
    const connection: Connection = {
      lastEventId: request.headers.get('Last-Event-ID'),
      authorization: request.headers.get('Authorization'),
      accept: request.headers.get('Accept'),
      sentAt: performance.now(),
    };
    connections.push(connection);
    if (connections.length <= networkFailures) throw new TypeError('fetch failed: connection refused');
    const response = await fetch(request);
    connection.status = response.status;
    connection.answeredAt = performance.now();
    connection.retryAfter = response.headers.get('Retry-After');
    if (response.status !== 200 || !response.body) return response;
    let body = response.body.pipeThrough(new TransformStream<Uint8Array, Uint8Array>({ flush: () => void (connection.endedAt = performance.now()) }));
    if (rewrite) body = rewrite(body);
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
  return { requests, connections, fetch: fetcher };
}

async function until(what: string, predicate: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** Reads a subscription in the background, each event with the moment it came. */
function consume<E>(events: AsyncIterable<E>) {
  const received: { event: E; at: number }[] = [];
  const done = (async () => {
    for await (const event of events) received.push({ event, at: performance.now() });
  })();
  return { received, done, events: () => received.map((r) => r.event) };
}

/** The id of the `post.created` event of a post, from the log. */
async function createdEventId(folio: FolioClient, postId: string): Promise<string> {
  for await (const event of folio.events.list({ types: ['post.created'], limit: 100 })) if (event.data.post_id === postId) return event.id;
  throw new Error(`no post.created event for ${postId}`);
}

async function createPost(folio: FolioClient, title: string, status: 'draft' | 'published' = 'draft') {
  return unwrap(await folio.POST('/api/v1/posts', { body: { title, status } }));
}

describe.each(servers)('@folio/client events on $kind', ({ baseUrl }) => {
  let account: Account;
  let folio: FolioClient;
  beforeAll(async () => {
    account = await signUp(baseUrl);
    folio = createClient({ baseUrl, headers: () => account.auth });
  });

  it('subscribes with the client’s headers and yields typed events for changes made through the client', async () => {
    const recorder = recordingFetch();
    const client = createClient({ baseUrl, headers: () => account.auth, fetch: recorder.fetch });
    const controller = new AbortController();
    const subscription = consume(client.events.subscribe({ signal: controller.signal }));
    await until('the stream to open', () => recorder.connections[0]?.status === 200);

    const post = await createPost(folio, 'Subscribed', 'published');
    const comment = unwrap(await folio.POST('/api/v1/posts/{postId}/comments', { params: { path: { postId: post.id } }, body: { body: 'Heard' } }));
    await until('the comment’s event', () => subscription.events().some((e) => e.type === 'comment.created' && e.data.comment_id === comment.id));
    controller.abort();
    await subscription.done;

    const ours = subscription.events().filter((e) => 'post_id' in e.data && e.data.post_id === post.id);
    expect(ours.map((e) => e.type)).toEqual(['post.created', 'post.published', 'comment.created']);
    for (const event of ours) {
      // The union narrows on `type`: each branch reads its own payload.
      switch (event.type) {
        case 'post.created':
        case 'post.published':
          expect(event.data).toEqual({ post_id: post.id, slug: post.slug, status: 'published', author_id: account.user.id });
          break;
        case 'comment.created':
          expect(event.data).toEqual({ comment_id: comment.id, post_id: post.id, author_id: account.user.id });
          break;
        default:
          throw new Error(`unexpected ${event.type}`);
      }
      expect(event.id).toMatch(/^evt_/);
    }
    expect(recorder.connections).toHaveLength(1);
    expect(recorder.connections[0]).toMatchObject({ authorization: account.auth.Authorization, accept: 'text/event-stream', lastEventId: null });
  });

  it('with follow: false, yields the events after `after` and ends without reconnecting', async () => {
    const mark = await createPost(folio, 'Follow false mark');
    const after = await createdEventId(folio, mark.id);
    const next = [await createPost(folio, 'Follow false 1'), await createPost(folio, 'Follow false 2')];
    const recorder = recordingFetch();
    const client = createClient({ baseUrl, headers: () => account.auth, fetch: recorder.fetch });
    const events: EventOf<'post.created'>[] = [];
    for await (const event of client.events.subscribe({ types: ['post.created'], after, follow: false })) events.push(event);
    expect(events.map((e) => e.data.post_id).filter((id) => [mark, ...next].some((p) => p.id === id))).toEqual(next.map((p) => p.id));
    expect(recorder.connections.map((c) => c.lastEventId)).toEqual([after]);
  });

  it('passes over event types it does not know (a newer server’s) to onUnknownEvent, and yields the rest', async () => {
    const mark = await createPost(folio, 'Unknown mark');
    const after = await createdEventId(folio, mark.id);
    const next = await createPost(folio, 'After the unknown one');
    const unknown = { id: after, type: 'post.archived', created_at: new Date().toISOString(), data: { post_id: mark.id } };
    // A newer server: an event of a type this client's document does not name comes first.
    const frame = new TextEncoder().encode(`id: ${unknown.id}\nevent: ${unknown.type}\ndata: ${JSON.stringify(unknown)}\n\n`);
    const recorder = recordingFetch({
      rewrite: (body) => {
        const reader = body.getReader();
        return new ReadableStream<Uint8Array>({
          start: (controller) => controller.enqueue(frame),
          async pull(controller) {
            const chunk = await reader.read();
            if (chunk.done) controller.close();
            else controller.enqueue(chunk.value);
          },
          cancel: (reason) => reader.cancel(reason),
        });
      },
    });
    const client = createClient({ baseUrl, headers: () => account.auth, fetch: recorder.fetch });
    const unknowns: UnknownEvent[] = [];
    const events: FolioEvent[] = [];
    for await (const event of client.events.subscribe({ after, follow: false, onUnknownEvent: (e) => unknowns.push(e) })) events.push(event);
    expect(unknowns).toEqual([unknown]);
    expect(events.map((e) => e.type)).not.toContain('post.archived');
    expect(events.some((e) => e.type === 'post.created' && e.data.post_id === next.id)).toBe(true);
  });

  it('retries a network failure after the reconnection delay, but not an error of its own headers hook', async () => {
    const recorder = recordingFetch({ networkFailures: 1 });
    const client = createClient({ baseUrl, headers: () => account.auth, fetch: recorder.fetch });
    const controller = new AbortController();
    const subscription = consume(client.events.subscribe({ types: ['post.created'], signal: controller.signal }));
    await until('a connection after the failure', () => recorder.connections[1]?.status === 200);
    const post = await createPost(folio, 'After a network failure');
    await until('its event', () => subscription.events().some((e) => e.data.post_id === post.id));
    controller.abort();
    await subscription.done;
    // Before the server has said `retry:`, the client waits 3 s, as browsers' EventSource.
    expect(recorder.connections[1]!.sentAt - recorder.connections[0]!.sentAt).toBeGreaterThanOrEqual(3000 - 2);

    const failing = createClient({
      baseUrl,
      headers: () => {
        throw new Error('no token: sign in again');
      },
    });
    await expect(failing.events.subscribe().next()).rejects.toThrow('no token: sign in again');
  });

  it('rejects with the typed problem on a 4xx, without reconnecting', async () => {
    const recorder = recordingFetch();
    const client = createClient({ baseUrl, headers: () => account.auth, fetch: recorder.fetch });
    const error = await (async () => {
      for await (const event of client.events.subscribe({ after: 'evt_00000000000000000000000000' })) throw new Error(`an event came: ${event.id}`);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    const apiError = error as ApiError;
    expect(apiError.status).toBe(404);
    expect(apiError.is('event_not_found')).toBe(true);
    expect(apiError.problem?.type).toBe('/problems/event_not_found');
    expect(apiError.requestId).toMatch(/^req_/);
    expect(recorder.connections).toHaveLength(1);
  });

  it('lists the log oldest first, following cursors page by page, typed by `types`', async () => {
    const mark = await createPost(folio, 'List mark');
    const after = await createdEventId(folio, mark.id);
    const created = [await createPost(folio, 'Listed 1'), await createPost(folio, 'Listed 2'), await createPost(folio, 'Listed 3')];
    const recorder = recordingFetch();
    const client = createClient({ baseUrl, headers: () => account.auth, fetch: recorder.fetch });
    const ours: string[] = [];
    for await (const event of client.events.list({ types: ['post.created'], after, limit: 1 })) {
      if (event.data.author_id === account.user.id) ours.push(event.data.post_id);
      if (ours.length === created.length) break;
    }
    expect(ours).toEqual(created.map((p) => p.id));
    const pages = recorder.requests.map((r) => new URL(r.url).searchParams);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(pages.every((q) => q.get('limit') === '1' && q.getAll('types').join() === 'post.created' && q.get('after') === after)).toBe(true);
    expect(pages[0]!.has('cursor')).toBe(false);
    expect(pages.slice(1).every((q) => q.has('cursor'))).toBe(true);
  });
  it('closes its connection when aborted or left (return, as break does), so the server counts the stream out', async () => {
    const caller = await signUp(baseUrl);
    const recorder = recordingFetch();
    const client = createClient({ baseUrl, headers: () => caller.auth, fetch: recorder.fetch });
    /** The status of one more stream for the same caller: 429 while FOLIO_SSE_MAX_STREAMS are open. */
    const oneMore = async () => {
      const response = await fetch(`${baseUrl}/api/v1/events/stream?follow=false`, { headers: caller.auth });
      await response.body?.cancel();
      return response.status;
    };
    /** The server notices a closed connection a moment later: wait for it. */
    const expectFreed = async (how: string) => {
      const deadline = performance.now() + 10_000;
      while ((await oneMore()) !== 200) {
        if (performance.now() > deadline) throw new Error(`the stream ${how} stayed open`);
        await sleep(100);
      }
    };

    const controller = new AbortController();
    const subscription = consume(client.events.subscribe({ signal: controller.signal }));
    await until('the stream to open', () => recorder.connections[0]?.status === 200);
    // Every other stream the caller may have, held open: the subscription's is the one to free.
    const held: OpenStream[] = [];
    try {
      while ((await oneMore()) === 200) held.push(await openStream(`${baseUrl}/api/v1/events/stream`, caller.auth));
      controller.abort();
      await within(5_000, 'the subscription’s end after the abort', subscription.done);
      await expectFreed('aborted');

      // What `for await … break` does: next() until the event, then return().
      const events = client.events.subscribe({ types: ['post.created'] });
      const first = events.next();
      await until('the stream to open again', () => recorder.connections[1]?.status === 200);
      expect(await oneMore(), 'the subscription holds the last stream allowed').toBe(429);
      const post = await createPost(client, 'Leave after me');
      for (let next = await first; next.value?.data.post_id !== post.id; next = await events.next()) if (next.done) throw new Error('the subscription ended');
      await within(5_000, 'the subscription’s end on return()', events.return());
      await expectFreed('left');
      expect(recorder.connections).toHaveLength(2);
    } finally {
      for (const stream of held) stream.close();
    }
  });
  it('waits out a 429 (too many open streams) and connects once a stream is freed', { timeout: 60_000 }, async () => {
    const caller = await signUp(baseUrl);
    const held: OpenStream[] = [];
    const recorder = recordingFetch();
    const client = createClient({ baseUrl, headers: () => caller.auth, fetch: recorder.fetch });
    const controller = new AbortController();
    try {
      for (;;) {
        const response = await fetch(`${baseUrl}/api/v1/events/stream?follow=false`, { headers: caller.auth });
        await response.body?.cancel();
        if (response.status !== 200) break;
        held.push(await openStream(`${baseUrl}/api/v1/events/stream`, caller.auth));
      }
      const subscription = consume(client.events.subscribe({ types: ['post.created'], signal: controller.signal }));
      await until('the refusal', () => recorder.connections[0]?.status === 429);
      held.pop()!.close();
      await until('the subscription to connect', () => recorder.connections.some((c) => c.status === 200), 30_000);
      const post = await createPost(client, 'After the wait');
      await until('its event', () => subscription.events().some((e) => e.data.post_id === post.id));
      controller.abort();
      await subscription.done;
      expect(recorder.connections.map((c) => c.status).at(-1)).toBe(200);
      expect(recorder.connections.slice(0, -1).every((c) => c.status === 429)).toBe(true);
    } finally {
      controller.abort();
      for (const stream of held) stream.close();
    }
  });
});

// A server that ends every stream after 1.5 s and asks clients to wait 3.5 s before reconnecting
// (longer than the client's own default of 3 s, so waiting that long shows the client took the
// server's word).
const MAX_AGE_MS = 1500;
const RETRY_MS = 3500;

describe.each(databaseKinds())('@folio/client event subscriptions across reconnections on %s', (kind) => {
  let server: RunningFolio;
  beforeAll(async () => {
    server = await startFolio(kind, { FOLIO_SSE_MAX_AGE_MS: String(MAX_AGE_MS), FOLIO_SSE_RETRY_MS: String(RETRY_MS) });
  });
  afterAll(async () => server?.stop());

  it('resumes after the server ends the stream, with Last-Event-ID, after `retry:` — no event lost or repeated — and an abort while waiting ends it', { timeout: 60_000 }, async () => {
    const account = await signUp(server.baseUrl);
    const folio = createClient({ baseUrl: server.baseUrl, headers: () => account.auth });
    const recorder = recordingFetch();
    const client = createClient({ baseUrl: server.baseUrl, headers: () => account.auth, fetch: recorder.fetch });
    const controller = new AbortController();
    const subscription = consume(client.events.subscribe({ types: ['post.created'], signal: controller.signal }));
    const { connections } = recorder;
    await until('the stream to open', () => connections[0]?.status === 200);

    // Posts, one after another, from before the server ends the first stream until after the
    // client has reconnected: some are made while the client is away.
    const created: { id: string; at: number }[] = [];
    const deadline = performance.now() + MAX_AGE_MS + RETRY_MS + 15_000;
    while (!(connections[1]?.status === 200 && created.filter((c) => c.at > connections[1]!.sentAt).length >= 3)) {
      if (performance.now() > deadline) throw new Error(`no reconnection: ${JSON.stringify(connections)}`);
      created.push({ id: (await createPost(folio, `Resumed ${created.length}`)).id, at: performance.now() });
      await sleep(50);
    }
    const ids = () => subscription.events().map((e) => e.data.post_id).filter((id) => created.some((c) => c.id === id));
    await until('every post’s event', () => ids().length >= created.length);

    expect(ids(), 'each event once, in order').toEqual(created.map((c) => c.id));
    const [first, second] = connections as [Connection, Connection];
    expect(first.endedAt, 'the server ended the first stream').toBeDefined();
    expect(created.some((c) => c.at > first.endedAt! && c.at < second.sentAt), 'posts were made while the client was away').toBe(true);
    const lastBefore = subscription.received.filter((r) => r.at < second.sentAt).at(-1)!.event;
    expect(second.lastEventId, 'resumed after the last event received').toBe(lastBefore.id);
    // Timers may fire up to a millisecond early of performance.now().
    expect(second.sentAt - first.endedAt!, 'waited as long as `retry:` said').toBeGreaterThanOrEqual(RETRY_MS - 2);

    // The second stream ends too; an abort while the client waits to reconnect ends the iterator
    // at once, and no reconnection follows.
    await until('the second stream to end', () => second.endedAt !== undefined);
    const aborted = performance.now();
    // (On a busy machine the wait may already be over: what counts is that nothing follows the abort.)
    const made = connections.length;
    controller.abort();
    await subscription.done;
    expect(performance.now() - aborted, 'the abort cancelled the wait').toBeLessThan(RETRY_MS / 2);
    await sleep(RETRY_MS + 500);
    expect(connections, 'no reconnection after the abort').toHaveLength(made);
  });
});

// No database (nothing listens at the configured PostgreSQL): the stream is a 503 with
// Retry-After, which the subscription waits out as often as it must, until it is aborted.
describe('@folio/client event subscription without a database', () => {
  let server: RunningFolio;
  beforeAll(async () => {
    server = await startFolio('unreachable');
  });
  afterAll(async () => server?.stop());

  it('retries a 503 after Retry-After, and ends cleanly when aborted', async () => {
    const recorder = recordingFetch();
    const client = createClient({ baseUrl: server.baseUrl, fetch: recorder.fetch });
    const controller = new AbortController();
    const subscription = consume(client.events.subscribe({ signal: controller.signal }));
    const { connections } = recorder;
    await until('three attempts', () => connections.length >= 3 && connections.every((c) => c.status !== undefined));
    controller.abort();
    await subscription.done;
    expect(subscription.received).toEqual([]);
    expect(connections.map((c) => c.status)).toEqual(connections.map(() => 503));
    for (let i = 1; i < connections.length; i++) {
      const [previous, next] = [connections[i - 1]!, connections[i]!];
      const waited = next.sentAt - previous.answeredAt!;
      expect(waited, 'waited as long as Retry-After said').toBeGreaterThanOrEqual(Number(previous.retryAfter) * 1000 - 2);
      // Told nothing, the client waits 3 s, then twice that: a shorter wait is Retry-After's.
      expect(waited, 'waited for Retry-After, not its own backoff').toBeLessThan(2900);
    }
  });
});
