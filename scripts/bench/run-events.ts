/**
 * `npm run bench -- --events`: the event stream (issue 11), on the embedded database and on
 * PostgreSQL, each on the production server with a fresh database.
 *
 * 1. Latency, commit → received: one client reads the stream; another writes comments on a
 *    published post one at a time (each `comment.created` is one public event), waiting for each
 *    event to arrive, and a few ms more, before the next write — so nothing queues. The commit
 *    happens inside the write request, at an instant no client can see: after the request was
 *    sent (t0) and before its response arrived (t1). So for an event parsed at t2 the true latency
 *    lies between t2 − t1 (lower bound; negative when the event overtook the response) and
 *    t2 − t0 (upper bound: the whole write is in it). Both are reported, with the write's round
 *    trip, which is the width of the bracket.
 * 2. Fan-out: `clients` streams open on one server, then `fanout` writes in a burst; every client
 *    must receive every event, in order, exactly once — counted and printed; any loss fails the
 *    bench (exit code 1). Memory per connection is the server's RSS (VmRSS, /proc/<pid>/status)
 *    after the streams opened minus before, divided by their number: approximate — it includes
 *    heap the garbage collector has not handed back.
 * 3. Idle CPU: the server's user + system time (/proc/<pid>/stat) over `idleSeconds` while the
 *    clients only get heartbeats: with the default FOLIO_SSE_HEARTBEAT_MS (on the fan-out server),
 *    and on a second server with a short one (`heartbeatMs`), which is first measured
 *    with no stream open as the baseline.
 *
 * All streams come from 127.0.0.1 without a token, so they count as one caller: the servers run
 * with FOLIO_SSE_MAX_STREAMS raised above `clients` (and the bench's unreachable rate limits).
 * The clients and the writer run in this process, on the same machine as the server.
 */
import { join } from 'node:path';
import { createComment } from '../../contracts/comments/operations.ts';
import { streamEvents } from '../../contracts/events/operations.ts';
import { createPost } from '../../contracts/posts/operations.ts';
import { createToken } from '../../contracts/tokens/operations.ts';
import { createUser } from '../../contracts/users/operations.ts';
import { createScratchDatabase, redactUrl } from '../lib/database.ts';
import { spawnFolio } from '../lib/folio-process.ts';
import { BENCH_RATE_LIMITS } from './env.ts';
import { openBenchStream, type BenchStream } from './event-client.ts';
import { machineNote } from './machine.ts';
import { cpuShare, rssBytes } from './process-stats.ts';
import { ms, percent, summarize, type Summary } from './stats.ts';

export interface EventsSettings {
  /** Events timed one at a time for the latency. */
  latencyEvents: number;
  /** Streams open at once for the fan-out. */
  clients: number;
  /** Events written while they are open. */
  fanoutEvents: number;
  /** Seconds of each idle CPU sample. */
  idleSeconds: number;
  /** The short heartbeat of the second server, ms. */
  heartbeatMs: number;
}

export interface EventsRun {
  database: string;
  latency: { lower: Summary; upper: Summary; roundTrip: Summary; lost: number };
  fanout: {
    clients: number;
    events: number;
    /** Clients that received every event, in order, once. */
    complete: number;
    deliveries: number;
    /** Deliveries that never came, and those that should not have (repeats, events not written here). */
    missing: number;
    extra: number;
    /** Each delivery after its write's response arrived. */
    delivery: Summary;
    /** From the first write sent to the last delivery. */
    drainMs: number;
    /** Streams the server ended during the run (none should be). */
    endedEarly: number;
    rssBefore?: number;
    rssOpen?: number;
    rssAfterEvents?: number;
  };
  idle: { none?: number; defaultHeartbeat?: number; shortHeartbeat?: number; pings: number; expectedPings: number };
}

/** Rest between timed writes, after the previous event arrived: each is measured on a quiet server. */
const GAP_MS = 5;
/** A timed event not received within this is counted lost. */
const EVENT_TIMEOUT_MS = 10_000;
/** Streams opened at once while the clients connect. */
const OPEN_BATCH = 50;
const WARMUP_WRITES = 20;
/** Paths from the contracts; the types filter keeps the streams to the events the bench writes. */
const STREAM_PATH = `${streamEvents.path}?types=comment.created`;

const sleep = (msec: number) => new Promise((r) => setTimeout(r, msec));
const mib = (bytes: number | undefined) => (bytes === undefined ? 'n/a' : `${(bytes / 2 ** 20).toFixed(1)} MiB`);
const kib = (bytes: number | undefined) => (bytes === undefined ? 'n/a' : `${(bytes / 1024).toFixed(1)} KiB`);

async function post(baseUrl: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const response = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`POST ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** An author with a token, and a published post to comment on (comments on it are public events). */
async function arrange(baseUrl: string) {
  const name = `bench${Date.now().toString(36)}`;
  const password = 'correct horse battery staple';
  const email = `${name}@example.com`;
  await post(baseUrl, createUser.path, { email, username: name, display_name: 'Bench', password });
  const { token } = await post(baseUrl, createToken.path, { email, password, name: 'bench' });
  const auth = { Authorization: `Bearer ${String(token)}` };
  const { id } = await post(baseUrl, createPost.path, { title: 'Events bench', status: 'published' }, auth);
  const commentsPath = createComment.path.replace('{postId}', String(id));
  /** Writes one comment: when the request went (t0), when its response arrived (t1), the comment's id. */
  return async (text: string) => {
    const t0 = performance.now();
    const response = await fetch(`${baseUrl}${commentsPath}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...auth }, body: JSON.stringify({ body: text }) });
    const t1 = performance.now();
    const body = (await response.json()) as { id: string };
    if (response.status !== 201) throw new Error(`writing a comment: ${response.status} ${JSON.stringify(body)}`);
    return { t0, t1, id: body.id };
  };
}

/** Calls `check` after each event on `streams` until it holds, or nothing new arrived for `quietMs`; returns whether it held. */
async function until(streams: BenchStream[], check: () => boolean, quietMs: number): Promise<boolean> {
  let last = -1;
  let since = performance.now();
  while (!check()) {
    const count = streams.reduce((n, s) => n + s.arrivals.length, 0);
    if (count !== last) [last, since] = [count, performance.now()];
    else if (performance.now() - since > quietMs) return false;
    await sleep(50);
  }
  return true;
}

async function openMany(url: string, n: number): Promise<BenchStream[]> {
  const streams: BenchStream[] = [];
  try {
    for (let i = 0; i < n; i += OPEN_BATCH) streams.push(...(await Promise.all(Array.from({ length: Math.min(OPEN_BATCH, n - i) }, () => openBenchStream(url)))));
  } catch (error) {
    for (const s of streams) s.close();
    throw error;
  }
  return streams;
}

type Write = Awaited<ReturnType<Awaited<ReturnType<typeof arrange>>>>;

async function measureLatency(baseUrl: string, write: (text: string) => Promise<Write>, n: number, print: (line: string) => void) {
  const stream = await openBenchStream(`${baseUrl}${STREAM_PATH}`);
  const arrived = new Map<unknown, number>();
  let waiting: (() => void) | undefined;
  stream.onEvent = (a) => {
    arrived.set(a.data.comment_id, a.at);
    waiting?.();
  };
  const received = async (id: string) => {
    const deadline = performance.now() + EVENT_TIMEOUT_MS;
    while (!arrived.has(id) && performance.now() < deadline) {
      await new Promise<void>((resolve) => {
        waiting = resolve;
        setTimeout(resolve, 100);
      });
    }
    return arrived.get(id);
  };
  const lower: number[] = [];
  const upper: number[] = [];
  const roundTrip: number[] = [];
  let lost = 0;
  try {
    for (let i = 0; i < WARMUP_WRITES + n; i++) {
      const w = await write(`Latency ${i}`);
      const at = await received(w.id);
      if (at === undefined) lost++;
      else if (i >= WARMUP_WRITES) {
        lower.push(at - w.t1);
        upper.push(at - w.t0);
        roundTrip.push(w.t1 - w.t0);
      }
      await sleep(GAP_MS);
    }
  } finally {
    stream.close();
  }
  const result = { lower: summarize(lower), upper: summarize(upper), roundTrip: summarize(roundTrip), lost };
  print(
    `  commit → received over ${result.lower.n} events: p50 ${ms(result.lower.median)} … ${ms(result.upper.median)}, ` +
      `p99 ${ms(result.lower.p99)} … ${ms(result.upper.p99)} (write round trip p50 ${ms(result.roundTrip.median)})` +
      (lost ? ` — ${lost} EVENTS LOST` : ''),
  );
  return result;
}

async function measureFanout(baseUrl: string, pid: number, write: (text: string) => Promise<Write>, settings: EventsSettings, print: (line: string) => void) {
  await sleep(2000);
  const rssBefore = rssBytes(pid);
  const opening = performance.now();
  const streams = await openMany(`${baseUrl}${STREAM_PATH}`, settings.clients);
  print(`  ${streams.length} streams open in ${ms(performance.now() - opening)}`);
  try {
    await sleep(2000);
    const rssOpen = rssBytes(pid);
    const writes: Write[] = [];
    for (let i = 0; i < settings.fanoutEvents; i++) writes.push(await write(`Fan-out ${i}`));
    const expected = writes.map((w) => w.id);
    // Done when every client has the last event (they come in order), or nothing more comes for 10 s.
    const pending = new Set(streams);
    await until(
      streams,
      () => {
        for (const s of pending) if (s.arrivals.findLast((a) => a.data.comment_id === expected.at(-1))) pending.delete(s);
        return pending.size === 0;
      },
      10_000,
    );
    const respondedAt = new Map(writes.map((w) => [w.id, w.t1]));
    const delivery: number[] = [];
    let [complete, deliveries, missing, extra, last] = [0, 0, 0, 0, 0];
    for (const s of streams) {
      const got = s.arrivals.map((a) => a.data.comment_id);
      if (got.length === expected.length && got.every((id, i) => id === expected[i])) complete++;
      const received = new Set(got);
      const missed = expected.filter((id) => !received.has(id)).length;
      missing += missed;
      // Repeats, and events this bench did not write.
      extra += got.length - (expected.length - missed);
      deliveries += got.length;
      for (const a of s.arrivals) {
        const t1 = respondedAt.get(a.data.comment_id as string);
        if (t1 === undefined) continue;
        delivery.push(a.at - t1);
        last = Math.max(last, a.at);
      }
    }
    const rssAfterEvents = rssBytes(pid);
    const result = {
      clients: streams.length,
      events: expected.length,
      complete,
      deliveries,
      missing,
      extra,
      delivery: summarize(delivery),
      drainMs: last - (writes[0]?.t0 ?? last),
      rssBefore,
      rssOpen,
      rssAfterEvents,
    };
    const perConnection = rssOpen !== undefined && rssBefore !== undefined ? (rssOpen - rssBefore) / streams.length : undefined;
    print(
      `  ${complete}/${streams.length} clients received all ${expected.length} events in order, once ` +
        `(${deliveries.toLocaleString('en')} deliveries for ${(streams.length * expected.length).toLocaleString('en')} expected: ${missing} missing, ${extra} extra)` +
        (complete === streams.length ? '' : ' — EVENTS LOST, REPEATED OR OUT OF ORDER'),
    );
    print(`  delivery after the write's response: p50 ${ms(result.delivery.median)}, p99 ${ms(result.delivery.p99)}; all delivered ${ms(result.drainMs)} after the first write`);
    print(`  server RSS ${mib(rssBefore)} → ${mib(rssOpen)} with the streams open (${kib(perConnection)} per connection) → ${mib(rssAfterEvents)} after the events`);
    await sleep(1000);
    const pingsBefore = streams.reduce((n, s) => n + s.pings, 0);
    const idle = await cpuShare(pid, settings.idleSeconds);
    const pings = streams.reduce((n, s) => n + s.pings, 0) - pingsBefore;
    print(`  idle CPU over ${settings.idleSeconds} s with ${streams.length} streams, default FOLIO_SSE_HEARTBEAT_MS: ${percent(idle)} of a core (${pings.toLocaleString('en')} pings received)`);
    // A stream the server ended (rather than this bench) is a failure too: its client would have to reconnect.
    const endedEarly = streams.filter((s) => s.ended).length;
    if (endedEarly > 0) print(`  ${endedEarly} STREAMS ENDED BY THE SERVER`);
    return { ...result, idle, endedEarly };
  } finally {
    for (const s of streams) s.close();
  }
}

/** The second server, with the short heartbeat: idle CPU with no stream, then with `clients` streams that only get heartbeats. */
async function measureIdle(baseUrl: string, pid: number, settings: EventsSettings, print: (line: string) => void) {
  // One stream opened and closed first, so the route's code is loaded before the baseline.
  (await openBenchStream(`${baseUrl}${STREAM_PATH}`)).close();
  await sleep(1000);
  const none = await cpuShare(pid, settings.idleSeconds);
  const streams = await openMany(`${baseUrl}${STREAM_PATH}`, settings.clients);
  let pings = 0;
  try {
    await sleep(1000);
    const before = streams.reduce((n, s) => n + s.pings, 0);
    const busy = await cpuShare(pid, settings.idleSeconds);
    pings = streams.reduce((n, s) => n + s.pings, 0) - before;
    const expectedPings = Math.round((streams.length * settings.idleSeconds * 1000) / settings.heartbeatMs);
    print(`  idle CPU over ${settings.idleSeconds} s, FOLIO_SSE_HEARTBEAT_MS=${settings.heartbeatMs}: ${percent(none)} of a core with no stream, ${percent(busy)} with ${streams.length} (${pings.toLocaleString('en')} pings received, ~${expectedPings.toLocaleString('en')} expected)`);
    return { none, shortHeartbeat: busy, pings, expectedPings };
  } finally {
    for (const s of streams) s.close();
  }
}

/** What went wrong in a run: lost events, incomplete clients, streams the server ended. Empty when all is well. */
export function eventFailures(run: EventsRun): string[] {
  const failures: string[] = [];
  if (run.latency.lost > 0) failures.push(`${run.latency.lost} timed events never arrived`);
  const { fanout: f } = run;
  if (f.complete < f.clients) {
    failures.push(`${f.clients - f.complete} of ${f.clients} fan-out clients missed, repeated or reordered events (${f.missing} deliveries missing, ${f.extra} extra)`);
  }
  if (f.endedEarly > 0) failures.push(`${f.endedEarly} streams were ended by the server`);
  return failures;
}

/** Both servers on one database (the second after the first stopped: a PGlite folder has one owner). */
export async function runEvents(options: {
  root: string;
  scratch: string;
  kind: 'pglite' | 'postgres';
  postgresServerUrl: string;
  settings: EventsSettings;
  track: (cleanup: () => Promise<void>) => void;
  print?: (line: string) => void;
}): Promise<EventsRun> {
  const { settings, track } = options;
  const print = options.print ?? console.log;
  let dbEnv: Record<string, string>;
  let database: string;
  if (options.kind === 'postgres') {
    const scratchDb = await createScratchDatabase(options.postgresServerUrl, 'folio_bench_events');
    track(() => scratchDb.drop());
    dbEnv = { DATABASE_URL: scratchDb.url, FOLIO_PGLITE_DIR: '' };
    database = `PostgreSQL (a scratch database on ${redactUrl(options.postgresServerUrl)})`;
  } else {
    dbEnv = { DATABASE_URL: '', FOLIO_PGLITE_DIR: join(options.scratch, `pglite-events`) };
    database = 'PGlite (a fresh directory)';
  }
  const start = async (env: Record<string, string>) => {
    const server = await spawnFolio({
      root: options.root,
      logFile: join(options.scratch, `events-${options.kind}.log`),
      env: { ...dbEnv, FOLIO_RATE_LIMITS: BENCH_RATE_LIMITS, FOLIO_SSE_MAX_STREAMS: String(settings.clients + 10), ...env },
      ready: { path: '/api/v1/posts?limit=1', status: 200 },
      onSpawn: track,
    });
    if (server.child.pid === undefined) throw new Error('the server has no process id');
    return { ...server, pid: server.child.pid };
  };

  print(`\nEvents on ${database}\n  Machine: ${await machineNote()}`);
  print(`  Servers run with FOLIO_SSE_MAX_STREAMS=${settings.clients + 10} (every stream here is the same anonymous caller) and FOLIO_RATE_LIMITS=${BENCH_RATE_LIMITS}`);
  // '' is the default, whatever this shell has set.
  const first = await start({ FOLIO_SSE_HEARTBEAT_MS: '' });
  let latency: EventsRun['latency'];
  let fanout: Awaited<ReturnType<typeof measureFanout>>;
  try {
    const write = await arrange(first.baseUrl);
    print(`  Latency: ${settings.latencyEvents} comments written one at a time (after ${WARMUP_WRITES} warm-up), each after the previous event arrived + ${GAP_MS} ms`);
    latency = await measureLatency(first.baseUrl, write, settings.latencyEvents, print);
    print(`  Fan-out: ${settings.clients} streams, then ${settings.fanoutEvents} comments written back to back`);
    fanout = await measureFanout(first.baseUrl, first.pid, write, settings, print);
  } finally {
    await first.stop();
  }
  const second = await start({ FOLIO_SSE_HEARTBEAT_MS: String(settings.heartbeatMs) });
  let idle: Awaited<ReturnType<typeof measureIdle>>;
  try {
    idle = await measureIdle(second.baseUrl, second.pid, settings, print);
  } finally {
    await second.stop();
  }
  const { idle: defaultHeartbeat, ...fan } = fanout;
  return { database, latency, fanout: fan, idle: { ...idle, defaultHeartbeat } };
}
