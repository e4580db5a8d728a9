/**
 * What a stream leaves behind when its client goes, and the log's retention: in process (the
 * embedded database in memory), through the bound streamEvents handler, so the count of timers,
 * hub subscribers and open streams can be read before and after.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { config } from '../../server/config.ts';
import { db } from '../../server/db/index.ts';
import { streamEvents } from '../../server/events/handlers.ts';
import { route } from '../../server/http/route.ts';
import { eventHub } from '../../server/events/hub.ts';
import { PUBLIC, recordEvent } from '../../server/events/log.ts';
import { openEventStream, streamsOpen } from '../../server/events/stream.ts';
import { sweepExpiredEvents } from '../../server/events/sweep.ts';
import { newId } from '../../server/ids.ts';

const CLIENT_KEY = 'ip:unknown';

/** Timers, sockets and other handles keeping the process busy, by kind. */
function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

async function logUserCreated(username: string): Promise<string> {
  const userId = newId('user');
  await db()
    .transaction()
    .execute((trx) => recordEvent(trx, 'user.created', { user_id: userId, username }, PUBLIC));
  return userId;
}

/** No kind of handle grew in number (one made elsewhere may have ended meanwhile: that is no leak). */
function expectNoneLeft(before: Record<string, number>) {
  const after = activeResources();
  for (const [kind, count] of Object.entries(after)) expect(count, `${kind}: ${JSON.stringify(before)} → ${JSON.stringify(after)}`).toBeLessThanOrEqual(before[kind] ?? 0);
}

/** Opens a stream as a client would, reads until `until` holds for what arrived, then goes away. */
async function connectAndLeave(until: (text: string) => boolean): Promise<string> {
  const client = new AbortController();
  const res = await streamEvents.handle(new Request('http://folio.test/api/v1/events/stream?types=user.created', { signal: client.signal }), {
    params: Promise.resolve({}),
  });
  if (res.status !== 200) throw new Error(`the stream was refused: ${res.status} ${await res.text()}`);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!until(text)) {
    const chunk = await reader.read();
    if (chunk.done) break;
    text += decoder.decode(chunk.value, { stream: true });
  }
  client.abort();
  await reader.cancel();
  return text;
}

describe('event stream lifecycle', () => {
  it('200 connect/disconnect cycles leave no timer, subscriber, listener or stream count behind', async () => {
    // One cycle first, so what exists once (the database, the rate limiter's entry) is in the baseline.
    await connectAndLeave((text) => text.includes('retry:'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const before = activeResources();
    expect(eventHub().size).toBe(0);

    for (let cycle = 0; cycle < 200; cycle++) {
      if (cycle % 4 === 0) {
        // Every fourth client stays for a live event, so the fan-out path is part of what is undone.
        const username = `cycle_${cycle}`;
        const pending = connectAndLeave((text) => text.includes(`"username":"${username}"`));
        await new Promise((resolve) => setTimeout(resolve, 5));
        await logUserCreated(username);
        expect(await pending).toContain(username);
      } else {
        await connectAndLeave((text) => text.includes('retry:'));
      }
      expect(streamsOpen(CLIENT_KEY), `cycle ${cycle}`).toBe(0);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(eventHub().size).toBe(0);
    expect(streamsOpen(CLIENT_KEY)).toBe(0);
    // The heartbeat intervals, max-age timers and the hub's poll are all gone.
    expectNoneLeft(before);
  });

  it('a client that goes before reading a byte leaves nothing either', async () => {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const before = activeResources();
    for (let cycle = 0; cycle < 50; cycle++) {
      const client = new AbortController();
      const res = await streamEvents.handle(new Request('http://folio.test/api/v1/events/stream', { signal: client.signal }), { params: Promise.resolve({}) });
      client.abort();
      await res.body?.cancel();
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(eventHub().size).toBe(0);
    expect(streamsOpen(CLIENT_KEY)).toBe(0);
    expectNoneLeft(before);
  });

  it('a client that goes while its stream subscribes to the hub leaves no subscriber behind', async () => {
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(eventHub().size).toBe(0);
    for (let cycle = 0; cycle < 20; cycle++) {
      const client = new AbortController();
      const opening = openEventStream(CLIENT_KEY, { caller: null, follow: true, signal: client.signal });
      client.abort();
      await (await opening).return(undefined);
      expect(eventHub().size, `cycle ${cycle}`).toBe(0);
    }
    expect(streamsOpen(CLIENT_KEY)).toBe(0);
  });

  it('HEAD (the stream never read, its client still there) leaves nothing either', async () => {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const before = activeResources();
    const { HEAD } = route(streamEvents);
    for (let cycle = 0; cycle < 20; cycle++) {
      const res = await HEAD(new Request('http://folio.test/api/v1/events/stream', { method: 'HEAD' }), { params: Promise.resolve({}) });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/event-stream');
      expect(streamsOpen(CLIENT_KEY), `cycle ${cycle}`).toBe(0);
      expect(eventHub().size).toBe(0);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expectNoneLeft(before);
  });
});

describe('resuming', () => {
  it('never sends a live event at or before the one the client resumes after, wherever the hub started', async () => {
    // The hub starts where the log was when it subscribed; a client may resume from further on
    // (an event committed a moment ago, or known to another instance). Its live events are
    // filtered by that place, not only by the hub's.
    const streams = [new AbortController(), new AbortController()];
    const ahead = await openEventStream('test:ahead', { caller: null, types: ['user.created'], after: { txid: '9223372036854775807', seq: '0' }, follow: true, signal: streams[0]!.signal });
    const fresh = await openEventStream('test:fresh', { caller: null, types: ['user.created'], follow: true, signal: streams[1]!.signal });
    const userId = await logUserCreated('resumer');
    const got = await fresh.next();
    expect((got.value as { data: { user_id: string } }).data.user_id).toBe(userId);
    const early = await Promise.race([ahead.next(), new Promise((resolve) => setTimeout(() => resolve('nothing'), 300))]);
    expect(early).toBe('nothing');
    for (const stream of streams) stream.abort();
    await Promise.all([ahead.return(undefined), fresh.return(undefined)]);
  });
});

describe('event retention', () => {
  it(`sweeps events older than FOLIO_EVENT_RETENTION_DAYS (${config.eventRetentionDays}) and keeps the rest`, async () => {
    const fresh = await logUserCreated('fresh_one');
    const old = await logUserCreated('old_one');
    const expired = new Date(Date.now() - (config.eventRetentionDays * 86_400_000 + 60_000));
    const justInside = new Date(Date.now() - (config.eventRetentionDays * 86_400_000 - 60_000));
    await db().updateTable('events').set({ created_at: expired }).where(sql<boolean>`data->>'user_id' = ${old}`).execute();
    const kept = await logUserCreated('kept_one');
    await db().updateTable('events').set({ created_at: justInside }).where(sql<boolean>`data->>'user_id' = ${kept}`).execute();

    expect(await sweepExpiredEvents()).toBeGreaterThanOrEqual(1);
    const left = (await db().selectFrom('events').select('data').execute()).map((row) => (row.data as { user_id?: string }).user_id);
    expect(left).not.toContain(old);
    expect(left).toContain(fresh);
    expect(left).toContain(kept);
    expect(await sweepExpiredEvents()).toBe(0);
  });
});
