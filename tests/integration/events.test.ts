/**
 * The event log over HTTP: written with each change (and only with a change that commits), listed
 * oldest first, streamed live with resumption — and never showing a caller an event about a draft
 * it may not read. Other test files write to the same servers at the same time, so each test
 * looks only at events about what it made itself.
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { SECURITY_HEADERS } from '../../server/http/security-headers.ts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import * as contract from '../../contracts/events/operations.ts';
import { expectConforms, problemCode, send } from '../support/contract-assertions.ts';
import { openStream, type StreamedEvent } from '../support/event-stream.ts';
import { databaseKinds, startFolio, type RunningFolio } from '../support/folio-server.ts';
import { issueToken, signUp, type Account } from '../support/identity.ts';

const servers = inject('servers');

type Page = { data: StreamedEvent['envelope'][]; has_more: boolean; next_cursor: string | null };
const about = (id: string) => (e: { data: Record<string, unknown> }) => e.data.post_id === id || e.data.comment_id === id || e.data.user_id === id;

describe.each(servers)('events on $kind', ({ baseUrl }) => {
  let author: Account;
  let other: Account;
  beforeAll(async () => {
    [author, other] = await Promise.all([signUp(baseUrl), signUp(baseUrl)]);
  });

  const post = async (as: Account, json: Record<string, unknown>) => {
    const res = await send(baseUrl, '/api/v1/posts', { method: 'POST', headers: as.auth, json });
    expect(res.status, res.text).toBe(201);
    return res.body as { id: string; slug: string };
  };
  /**
   * Every event the caller may list, all pages — once the events about `settled` (the test's last
   * write) are there. A change is listed once every transaction older than it has ended, and other
   * test files write to this server meanwhile: so wait for the last write's events (sequential
   * writes: the earlier ones are then listed too).
   */
  const listAll = async (auth: Record<string, string>, query = '', settled?: string) => {
    for (const deadline = Date.now() + 10_000; ; await new Promise((r) => setTimeout(r, 100))) {
      const all = await listPages(auth, query);
      if (!settled || all.some(about(settled)) || Date.now() > deadline) return all;
    }
  };
  const listPages = async (auth: Record<string, string>, query: string) => {
    const all: Page['data'] = [];
    let cursor: string | null = null;
    do {
      const res = await send(baseUrl, `/api/v1/events?limit=100${query}${cursor ? `&cursor=${cursor}` : ''}`, { headers: auth });
      expectConforms(contract.listEvents, res);
      expect(res.status, res.text).toBe(200);
      const page = res.body as Page;
      all.push(...page.data);
      cursor = page.next_cursor;
    } while (cursor);
    return all;
  };

  it('a cursor whose numbers lie past what the log can hold is a place in it, not a 500: its seq past bigint reads as the largest', async () => {
    const cursor = (txid: bigint, seq: bigint) => {
      const bytes = Buffer.alloc(24);
      bytes[0] = 0x65;
      bytes.writeBigUInt64BE(txid, 8);
      bytes.writeBigUInt64BE(seq, 16);
      return bytes.toString('base64url');
    };
    const page = async (c?: string) => {
      const res = await send(baseUrl, `/api/v1/events?limit=5${c ? `&cursor=${c}` : ''}`, { headers: author.auth });
      expectConforms(contract.listEvents, res);
      expect(res.status, res.text).toBe(200);
      return res.body as Page;
    };
    await post(author, { title: 'Before any cursor', status: 'published' });
    const ids = async (c?: string) => (await page(c)).data.map((e) => e.id);
    // After every seq of transaction 0, which is no transaction: every event, as from the start.
    // (Other files write meanwhile: a transaction older than the first page may end between two
    // reads, so the page is compared with the start read just before and just after it.)
    for (const seq of [2n ** 63n, 2n ** 64n - 1n]) {
      const before = await ids();
      const past = await ids(cursor(0n, seq));
      const after = await ids();
      expect(before.length).toBeGreaterThan(0);
      expect([before, after]).toContainEqual(past);
    }
    // After the last transaction there can be: nothing.
    expect((await page(cursor(2n ** 64n - 1n, 2n ** 64n - 1n))).data).toEqual([]);
  });

  it('logs every change with the change, in order, and nothing for a change that failed', async () => {
    const created = await post(author, { title: 'Logged', status: 'published' });
    const path = `/api/v1/posts/${created.id}`;
    await send(baseUrl, path, { method: 'PATCH', headers: author.auth, json: { title: 'Logged again' } });
    // The status it already has changes nothing: no new updated_at or ETag, so no event is owed.
    const before = await send(baseUrl, path, { headers: author.auth });
    const same = await send(baseUrl, path, { method: 'PATCH', headers: author.auth, json: { status: 'published' } });
    expect(same.status, same.text).toBe(200);
    expect(same.headers.get('etag')).toBe(before.headers.get('etag'));
    expect(same.text).toBe(before.text);
    await send(baseUrl, path, { method: 'PATCH', headers: author.auth, json: { status: 'draft' } });
    const comment = await send(baseUrl, `${path}/comments`, { method: 'POST', headers: author.auth, json: { body: 'On a draft' } });
    expect(comment.status, comment.text).toBe(201);
    await send(baseUrl, path, { method: 'DELETE', headers: author.auth });
    // The slug is free again: a new post takes it. A second create with it fails (409), rolls
    // back, and must log nothing.
    const reuse = await post(author, { title: 'Reuse', slug: created.slug });
    const clash = await send(baseUrl, '/api/v1/posts', { method: 'POST', headers: author.auth, json: { title: 'Clash', slug: created.slug } });
    expect(clash.status, clash.text).toBe(409);

    const all = await listAll(author.auth, '', reuse.id);
    expect(all.filter((e) => e.data.post_id === created.id).map((e) => e.type)).toEqual([
      'post.created',
      'post.published',
      'post.updated',
      'post.unpublished',
      'comment.created',
      'post.deleted',
    ]);
    expect(all.filter((e) => e.data.slug === created.slug).map((e) => [e.type, e.data.post_id])).toEqual([
      ...['post.created', 'post.published', 'post.updated', 'post.unpublished', 'post.deleted'].map((type) => [type, created.id]),
      ['post.created', reuse.id],
    ]);
  });

  it('shows events about a draft only to its author (with posts:read) and administrators', async () => {
    const draft = await post(author, { title: 'Secret draft' });
    await send(baseUrl, `/api/v1/posts/${draft.id}/comments`, { method: 'POST', headers: author.auth, json: { body: 'Note to self' } });
    const open = await post(author, { title: 'Open post', status: 'published' });
    const admin = await signUp(baseUrl, { admin: true });
    const writeOnly = await issueToken(baseUrl, author, { scopes: ['posts:write'] });
    const seen = async (auth: Record<string, string>) => (await listAll(auth, '', open.id)).filter((e) => e.data.post_id === draft.id || e.data.post_id === open.id);
    expect((await seen(author.auth)).map((e) => e.type)).toEqual(['post.created', 'comment.created', 'post.created', 'post.published']);
    expect((await seen(admin.auth)).length).toBe(4);
    for (const auth of [{}, other.auth, { Authorization: `Bearer ${writeOnly.token}` }]) {
      expect((await seen(auth)).map((e) => e.data.post_id)).toEqual([open.id, open.id]);
    }
  });

  it('names an unpublished post to everyone by the slug they knew, not one it was given as it went back to draft', async () => {
    const post = await send(baseUrl, '/api/v1/posts', { method: 'POST', headers: author.auth, json: { title: 'Soon withdrawn', status: 'published' } });
    const { id, slug } = post.body as { id: string; slug: string };
    const secret = `secret-${Date.now().toString(36)}`;
    const withdrawn = await send(baseUrl, `/api/v1/posts/${id}`, { method: 'PATCH', headers: author.auth, json: { status: 'draft', slug: secret } });
    expect(withdrawn.status, withdrawn.text).toBe(200);
    const seen = await listAll({}, '&types=post.unpublished&types=post.updated', id);
    const mine = seen.filter(about(id));
    expect(mine).toEqual([expect.objectContaining({ type: 'post.unpublished', data: expect.objectContaining({ slug }) })]);
    expect(JSON.stringify(seen)).not.toContain(secret);
  });

  it('pages oldest first, filters by type, starts after an event id, and says so when that id is unknown', async () => {
    const first = await post(author, { title: 'Paging 1', status: 'published' });
    const second = await post(author, { title: 'Paging 2', status: 'published' });
    const all = await listAll(author.auth, '', second.id);
    const index = all.findIndex((e) => e.data.post_id === first.id);
    // In the order the changes committed (concurrent changes of other tests interleave).
    expect(all.filter((e) => about(first.id)(e) || about(second.id)(e)).map((e) => [e.type, e.data.post_id])).toEqual([
      ['post.created', first.id],
      ['post.published', first.id],
      ['post.created', second.id],
      ['post.published', second.id],
    ]);
    const after = await listAll(author.auth, `&after=${all[index]!.id}`);
    expect(after[0]).toEqual(all[index + 1]);
    const published = await listAll(author.auth, '&types=post.published&types=user.created');
    expect(new Set(published.map((e) => e.type))).toEqual(new Set(['post.published', 'user.created']));
    const unknown = await send(baseUrl, '/api/v1/events?after=evt_00000000000000000000000000');
    expectConforms(contract.listEvents, unknown);
    expect(unknown.status).toBe(404);
    expect(problemCode(unknown)).toBe('event_not_found');
  });

  it('streams live events with SSE framing and headers, only those the caller may see', async () => {
    const stream = await openStream(`${baseUrl}/api/v1/events/stream`, other.auth);
    try {
      expect(stream.response.headers.get('content-type')).toBe('text/event-stream');
      expect(stream.response.headers.get('cache-control')).toBe('no-cache, no-transform');
      expect(stream.response.headers.get('x-accel-buffering')).toBe('no');
      const draft = await post(author, { title: 'Streamed draft' });
      const open = await post(author, { title: 'Streamed post', status: 'published' });
      await stream.until((events) => events.some((e) => e.type === 'post.published' && e.envelope.data.post_id === open.id));
      expect(stream.retries).toEqual([3000]);
      const received = stream.events.filter((e) => about(open.id)(e.envelope) || about(draft.id)(e.envelope));
      expect(received.map((e) => [e.type, e.envelope.data.post_id])).toEqual([
        ['post.created', open.id],
        ['post.published', open.id],
      ]);
      for (const e of stream.events) expect(e.id).toBe(e.envelope.id);
    } finally {
      stream.close();
    }
  });

  it('resumes after Last-Event-ID (or `after`) with the missed events, then live ones: no gap, no duplicate', async () => {
    const mark = await post(author, { title: 'Before the gap', status: 'published' });
    const [markEvent] = (await listAll(author.auth, '&types=post.published', mark.id)).filter((e) => e.data.post_id === mark.id);
    const missed = [await post(author, { title: 'Missed 1', status: 'published' }), await post(author, { title: 'Missed 2', status: 'published' })];
    for (const resume of [{ headers: { 'Last-Event-ID': markEvent!.id } as Record<string, string>, query: '' }, { headers: {}, query: `&after=${markEvent!.id}` }]) {
      const stream = await openStream(`${baseUrl}/api/v1/events/stream?types=post.published${resume.query}`, { ...author.auth, ...resume.headers });
      try {
        const live = await post(author, { title: 'After resuming', status: 'published' });
        await stream.until((events) => events.some((e) => e.envelope.data.post_id === live.id));
        const ours = stream.events.map((e) => e.envelope.data.post_id).filter((id) => [...missed, live].some((p) => p.id === id));
        expect(ours).toEqual([missed[0]!.id, missed[1]!.id, live.id]);
        expect(new Set(stream.events.map((e) => e.id)).size).toBe(stream.events.length);
      } finally {
        stream.close();
      }
    }
  });

  it('with follow=false, sends the missed events and ends', async () => {
    const mark = await post(author, { title: 'Follow false mark', status: 'published' });
    const [markEvent] = (await listAll(author.auth, '&types=post.published', mark.id)).filter((e) => e.data.post_id === mark.id);
    const next = await post(author, { title: 'Follow false next', status: 'published' });
    const stream = await openStream(`${baseUrl}/api/v1/events/stream?follow=false&types=post.published&after=${markEvent!.id}`, author.auth);
    await stream.ended;
    expect(stream.events.map((e) => e.envelope.data.post_id)).toContain(next.id);
    expect(stream.events.map((e) => e.envelope.data.post_id)).not.toContain(mark.id);
  });

  it('sends with a stream only headers the document declares for it', async () => {
    const document = JSON.parse(readFileSync('openapi.json', 'utf8')) as {
      paths: Record<string, Record<string, { responses: Record<string, { headers?: Record<string, unknown> }> }>>;
    };
    const declared = new Set(Object.keys(document.paths['/api/v1/events/stream']!.get!.responses['200']!.headers ?? {}).map((name) => name.toLowerCase()));
    // HTTP's own and every response's (server/http/security-headers.ts), which the document leaves to HTTP.
    const everywhere = new Set(['content-type', 'date', 'connection', 'keep-alive', 'transfer-encoding', 'vary', ...Object.keys(SECURITY_HEADERS).map((name) => name.toLowerCase())]);
    const controller = new AbortController();
    const res = await fetch(`${baseUrl}/api/v1/events/stream`, { headers: { Accept: 'text/event-stream' }, signal: controller.signal });
    controller.abort();
    expect(res.status).toBe(200);
    const undeclared = [...res.headers.keys()].filter((name) => !declared.has(name) && !everywhere.has(name));
    expect(undeclared).toEqual([]);
    expect(res.headers.get('x-accel-buffering')).toBe('no');
    // …with the values it states, where it states them.
    const stated = document.paths['/api/v1/events/stream']!.get!.responses['200']!.headers as Record<string, { schema?: { enum?: string[] } }>;
    for (const [name, header] of Object.entries(stated)) {
      if (header.schema?.enum) expect(header.schema.enum, name).toContain(res.headers.get(name));
    }
    expect(res.headers.get('cache-control')).toBe('no-cache, no-transform');
  });

  it('answers a Last-Event-ID that names no event (of any shape) with a 404 problem before streaming', async () => {
    for (const id of ['evt_00000000000000000000000000', '0', "x' OR '1'='1"]) {
      const res = await send(baseUrl, '/api/v1/events/stream', { headers: { 'Last-Event-ID': id } });
      expectConforms(contract.streamEvents, res);
      expect(res.status, id).toBe(404);
      expect(problemCode(res)).toBe('event_not_found');
    }
  });

});

// Commit order, on PostgreSQL (where transactions really run side by side): two transactions
// log events and the later one commits first. A streaming client must get neither ahead of the
// other — the first's event, then the second's — and nothing before both are done.
describe.each(servers.filter((server) => server.databaseUrl))('event order on $kind', ({ baseUrl, databaseUrl }) => {
  it('never lets a late-committing transaction’s event be skipped', async () => {
    const stream = await openStream(`${baseUrl}/api/v1/events/stream?types=user.created`);
    const [first, second] = [new pg.Client({ connectionString: databaseUrl }), new pg.Client({ connectionString: databaseUrl })];
    await Promise.all([first.connect(), second.connect()]);
    // What recordEvent (server/events/log.ts) writes, in the test's own transactions.
    const log = async (client: pg.Client, id: string, username: string) => {
      await client.query(`insert into events (id, type, data, visibility, created_at) values ($1, 'user.created', $2, 'public', now())`, [
        id,
        JSON.stringify({ user_id: `user_${id.slice(4)}`, username }),
      ]);
      await client.query(`select pg_notify('folio_events', '')`);
    };
    const ours = () => stream.events.map((e) => String(e.envelope.data.username)).filter((u) => u.startsWith('order_'));
    try {
      await first.query('begin');
      await log(first, 'evt_01aaaaaaaaaaaaaaaaaaaaaaa1', 'order_first');
      await second.query('begin');
      await log(second, 'evt_01aaaaaaaaaaaaaaaaaaaaaaa2', 'order_second');
      await second.query('commit');
      await new Promise((r) => setTimeout(r, 700));
      expect(ours(), 'the second transaction’s event came before the first had committed').toEqual([]);
      await first.query('commit');
      await stream.until(() => ours().length === 2);
      expect(ours()).toEqual(['order_first', 'order_second']);
    } finally {
      stream.close();
      await Promise.all([first.end(), second.end()]);
    }
  });

  it('logs no public event about a comment made while its post was being unpublished', async () => {
    const [author, reader] = await Promise.all([signUp(baseUrl), signUp(baseUrl)]);
    const post = await send(baseUrl, '/api/v1/posts', { method: 'POST', headers: author.auth, json: { title: 'Withdrawn mid-comment', status: 'published' } });
    const postId = (post.body as { id: string }).id;
    // A comment on a post that stays published: its event is public (the list below does show comments).
    const control = await send(baseUrl, '/api/v1/posts', { method: 'POST', headers: author.auth, json: { title: 'Stays published', status: 'published' } });
    const controlId = (control.body as { id: string }).id;
    expect((await send(baseUrl, `/api/v1/posts/${controlId}/comments`, { method: 'POST', headers: reader.auth, json: { body: 'Seen' } })).status).toBe(201);
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      // An unpublish under way (what updatePost writes), not yet committed.
      await client.query('begin');
      await client.query(`update posts set status = 'draft', published_at = null where id = $1`, [postId]);
      const commenting = send(baseUrl, `/api/v1/posts/${postId}/comments`, { method: 'POST', headers: reader.auth, json: { body: 'Racing' } });
      await new Promise((r) => setTimeout(r, 500));
      await client.query('commit');
      // The comment waited for the post, then found it a draft it may not see.
      const answer = await commenting;
      expect(answer.status, answer.text).toBe(404);
    } finally {
      await client.end();
    }
    let seen = '';
    for (let cursor: string | null = null, first = true; first || cursor; first = false) {
      const page = await send(baseUrl, `/api/v1/events?types=comment.created&limit=100${cursor ? `&cursor=${cursor}` : ''}`);
      seen += page.text;
      cursor = (page.body as { next_cursor: string | null }).next_cursor;
    }
    expect(seen).toContain(controlId);
    expect(seen).not.toContain(postId);
  });

  it('is not held still by a transaction left open in another database on the same server', async () => {
    // PostgreSQL's snapshot horizon spans every database; Folio's log must not wait on another's.
    const elsewhere = new URL(databaseUrl!);
    elsewhere.pathname = '/postgres';
    const [other, here] = [new pg.Client({ connectionString: elsewhere.href }), new pg.Client({ connectionString: databaseUrl })];
    await Promise.all([other.connect(), here.connect()]);
    const author = await signUp(baseUrl);
    const publish = async (title: string) => {
      const res = await send(baseUrl, '/api/v1/posts', { method: 'POST', headers: author.auth, json: { title, status: 'published' } });
      expect(res.status, res.text).toBe(201);
      return (res.body as { id: string }).id;
    };
    const listed = async () => {
      const res = await send(baseUrl, '/api/v1/events?types=post.published&limit=100', { headers: author.auth });
      expect(res.status, res.text).toBe(200);
      return (res.body as Page).data.map((e) => e.data.post_id);
    };
    const stream = await openStream(`${baseUrl}/api/v1/events/stream?types=post.published`, author.auth);
    try {
      await other.query('begin');
      await other.query('select pg_current_xact_id()'); // a transaction id, held
      const beside = await publish('Beside a transaction in another database');
      expect(await listed()).toContain(beside);
      await stream.until((events) => events.some((e) => e.envelope.data.post_id === beside));
      // One in Folio's own database still holds the log's end until it ends, as it must.
      await here.query('begin');
      await here.query('select pg_current_xact_id()');
      const behind = await publish('Behind a transaction in this database');
      expect(await listed()).not.toContain(behind);
      await here.query('rollback');
      expect(await listed()).toContain(behind);
      await stream.until((events) => events.some((e) => e.envelope.data.post_id === behind));
    } finally {
      stream.close();
      await other.query('rollback').catch(() => undefined);
      await Promise.all([other.end(), here.end()]);
    }
  });
});

// Settings a shared server does not have: a short heartbeat, a low cap on open streams.
describe.each(databaseKinds())('event stream settings on %s', (kind) => {
  let server: RunningFolio;
  let account: Account;
  beforeAll(async () => {
    // No webhook worker: its dispatcher listens to the log too, and this server counts listeners.
    server = await startFolio(kind, { FOLIO_SSE_HEARTBEAT_MS: '300', FOLIO_SSE_MAX_STREAMS: '2', FOLIO_SSE_MAX_AGE_MS: '4000', FOLIO_WEBHOOK_WORKER: 'off' });
    account = await signUp(server.baseUrl);
  });
  afterAll(async () => server?.stop());

  it('keeps a quiet stream open with heartbeats, and ends it after its maximum age', async () => {
    const stream = await openStream(`${server.baseUrl}/api/v1/events/stream?types=comment.deleted`, account.auth);
    await stream.until(() => stream.comments.filter((c) => c === 'ping').length >= 3, 5000);
    await stream.ended;
    expect(stream.comments.filter((c) => c === 'ping').length).toBeGreaterThanOrEqual(3);
  });

  it('ends a stream at its next heartbeat once its token is revoked', async () => {
    const { token, tokenId } = await issueToken(server.baseUrl, account);
    const stream = await openStream(`${server.baseUrl}/api/v1/events/stream`, { Authorization: `Bearer ${token}` });
    await stream.until(() => stream.comments.includes('ping'), 2000);
    const revoked = await send(server.baseUrl, `/api/v1/tokens/${tokenId}`, { method: 'DELETE', headers: account.auth });
    expect(revoked.status, revoked.text).toBe(204);
    // Heartbeats every 300 ms here; the stream's maximum age (4 s) is far off.
    const outcome = await Promise.race([stream.ended.then(() => 'ended'), new Promise((resolve) => setTimeout(() => resolve('still open'), 2000))]);
    stream.close();
    expect(outcome).toBe('ended');
  });

  it('caps the streams a caller may have open, with a 429 problem', async () => {
    const open = [await openStream(`${server.baseUrl}/api/v1/events/stream`, account.auth), await openStream(`${server.baseUrl}/api/v1/events/stream`, account.auth)];
    try {
      const third = await send(server.baseUrl, '/api/v1/events/stream', { headers: account.auth });
      expectConforms(contract.streamEvents, third);
      expect(third.status).toBe(429);
      expect(third.headers.get('retry-after')).toMatch(/^[1-9][0-9]*$/);
      expect(problemCode(third)).toBe('too_many_streams');
    } finally {
      for (const stream of open) stream.close();
    }
    // Closed streams are counted out: a new one opens.
    await new Promise((r) => setTimeout(r, 1000));
    const again = await openStream(`${server.baseUrl}/api/v1/events/stream`, account.auth);
    again.close();
    await new Promise((r) => setTimeout(r, 1000));
    // Requests arriving together, each resuming (a lookup before the stream opens), are capped too
    // (an account of their own: the streams they leave take a moment to be counted out).
    const racer = await signUp(server.baseUrl);
    const last = ((await send(server.baseUrl, '/api/v1/events?limit=1', { headers: racer.auth })).body as { data: { id: string }[] }).data[0]!.id;
    const clients = Array.from({ length: 6 }, () => new AbortController());
    try {
      const answers = await Promise.all(
        clients.map((client) => fetch(`${server.baseUrl}/api/v1/events/stream`, { headers: { ...racer.auth, 'Last-Event-ID': last }, signal: client.signal })),
      );
      expect(answers.map((res) => res.status).sort()).toEqual([200, 200, 429, 429, 429, 429]);
    } finally {
      for (const client of clients) client.abort();
    }
  });

  it('answers HEAD on the stream without holding one of the caller’s streams', async () => {
    const viewer = await signUp(server.baseUrl);
    for (let i = 0; i < 3; i++) {
      const head = await fetch(`${server.baseUrl}/api/v1/events/stream`, { method: 'HEAD', headers: viewer.auth });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(await head.text()).toBe('');
    }
    // The cap is 2: three HEADs left both free, at once.
    const streams = [await openStream(`${server.baseUrl}/api/v1/events/stream`, viewer.auth), await openStream(`${server.baseUrl}/api/v1/events/stream`, viewer.auth)];
    for (const stream of streams) stream.close();
  });

  // PostgreSQL only: the embedded database listens in process, without a connection.
  if (kind === 'postgres') it('holds one listening connection however many streams, and none once they are gone', async () => {
    const listeners = async () => {
      const client = new pg.Client({ connectionString: server.databaseUrl });
      await client.connect();
      try {
        const { rows } = await client.query<{ n: number }>(`select count(*)::int as n from pg_stat_activity where datname = current_database() and query ilike 'LISTEN folio_events%'`);
        return rows[0]!.n;
      } finally {
        await client.end();
      }
    };
    const others = await Promise.all([signUp(server.baseUrl), signUp(server.baseUrl)]);
    const open = await Promise.all([account, ...others].map((a) => openStream(`${server.baseUrl}/api/v1/events/stream`, a.auth)));
    expect(await listeners()).toBe(1);
    for (const stream of open) stream.close();
    await expect.poll(listeners, { timeout: 5000 }).toBe(0);
  });
});
