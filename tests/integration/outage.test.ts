/**
 * The database goes away and comes back, under load. A PostgreSQL server of the test's own
 * (tests/support/throwaway-postgres.ts) is stopped — cleanly, then as if it crashed — and started
 * again while writers create posts, a reader lists them and probes ask liveness and readiness. Folio
 * must answer every request, within a bound, with its contract: 503 with Retry-After while the
 * database is away (never a 500, never a hang), readiness 503 then 200 again, liveness 200 throughout,
 * and every post it acknowledged with 201 still there afterwards. Rate limits and Idempotency-Keys,
 * which keep their state in a store that may be the database, fail the same way: 503, not 500, and
 * no request gets through unlimited or runs twice. The timings are printed.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getLiveness, getReadiness } from '../../contracts/health/operations.ts';
import { createPost, getPost, listPosts } from '../../contracts/posts/operations.ts';
import type { OperationSpec } from '../../contracts/operation.ts';
import { expectConforms, send, type ApiResponse } from '../support/contract-assertions.ts';
import { startFolio, type RunningFolio } from '../support/folio-server.ts';
import { signUp, type Account } from '../support/identity.ts';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../support/throwaway-postgres.ts';

/**
 * The longest any request may take while the database is away: the pool's connect timeout (2 s,
 * server/db/index.ts) — how long a request may wait for a connection — plus a margin for this
 * shared machine. Measured in practice: well under it (see the printed figures).
 */
const BOUND_MS = 2000 + 1500;
const PROBE_EVERY_MS = 100;

/**
 * A database that stops answering without closing anything (SIGSTOP) enforces no statement
 * timeout: pg gives a query up 1 s after it (query_timeout, server/db/index.ts). A request may
 * wait for two such queries — the rate limit's count, then its own — so the bound is twice that
 * plus a margin: well short of the freeze, which a request would otherwise wait out whole.
 */
const FROZEN_STATEMENT_TIMEOUT_MS = 1500;
const FROZEN_MS = 9000;
const FROZEN_BOUND_MS = 2 * (FROZEN_STATEMENT_TIMEOUT_MS + 1000) + 1500;

interface Sample {
  op: OperationSpec;
  started: number;
  ms: number;
  res?: ApiResponse;
  error?: string;
}

/** Sends one request, timed; a transport failure or a client-side timeout is recorded, never thrown. */
async function timed(samples: Sample[], op: OperationSpec, baseUrl: string, path: string, init: Parameters<typeof send>[2] = {}): Promise<Sample> {
  const started = performance.now();
  const sample: Sample = { op, started, ms: 0 };
  try {
    sample.res = await send(baseUrl, path, { ...init, signal: AbortSignal.timeout(15_000) });
  } catch (error) {
    sample.error = String(error);
  }
  sample.ms = performance.now() - started;
  samples.push(sample);
  return sample;
}

/** Writers, a reader and the two probes, each in its own loop until stopped. */
function startLoad(baseUrl: string, account: Account) {
  const samples: Sample[] = [];
  const created: { id: string; title: string }[] = [];
  let running = true;
  let n = 0;
  const loop = async (step: () => Promise<unknown>, pauseMs = 0) => {
    while (running) {
      await step();
      if (pauseMs) await sleep(pauseMs);
    }
  };
  const write = async () => {
    const title = `Outage ${n++}`;
    const sample = await timed(samples, createPost, baseUrl, createPost.path, { method: 'POST', headers: account.auth, json: { title, tags: ['outage'] } });
    if (sample.res?.status === 201) created.push({ id: (sample.res.body as { id: string }).id, title });
  };
  const loops = [
    ...Array.from({ length: 3 }, () => loop(write, 20)),
    loop(() => timed(samples, listPosts, baseUrl, '/api/v1/posts?limit=5'), 50),
    loop(() => timed(samples, getReadiness, baseUrl, getReadiness.path), PROBE_EVERY_MS),
    loop(() => timed(samples, getLiveness, baseUrl, getLiveness.path), PROBE_EVERY_MS),
  ];
  return {
    samples,
    created,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

const firstAfter = (samples: Sample[], op: OperationSpec, after: number, status: number) =>
  samples.filter((s) => s.op === op && s.started >= after && s.res?.status === status).sort((a, b) => a.started - b.started)[0];

const round = (ms: number) => Math.round(ms);

/**
 * Waits (up to 30 s) until readiness passes and a write succeeds after the database came `back`,
 * and returns the first of each, and the first readiness and write 503 after it `went`.
 */
async function recovery(samples: Sample[], went: number, back: number) {
  const deadline = back + 30_000;
  while (performance.now() < deadline && !(firstAfter(samples, getReadiness, back, 200) && firstAfter(samples, createPost, back, 201))) await sleep(50);
  return {
    unready: firstAfter(samples, getReadiness, went, 503),
    refused: firstAfter(samples, createPost, went, 503),
    ready: firstAfter(samples, getReadiness, back, 200),
    written: firstAfter(samples, createPost, back, 201),
  };
}

describe('the database goes away and comes back', () => {
  let postgres: ThrowawayPostgres;
  let server: RunningFolio;
  let account: Account;

  beforeAll(async () => {
    postgres = await startThrowawayPostgres();
    server = await startFolio('postgres', { FOLIO_RATE_LIMITS: 'read=1000000/600,write=1000000/600,auth=1000000/600' }, { postgresServer: postgres.url });
    account = await signUp(server.baseUrl);
  });

  afterAll(async () => {
    await server?.stop();
    await postgres?.destroy();
  });

  it('answers 503 (never a 500 or a hang) while it is away, readiness follows it, liveness stays 200, no acknowledged write is lost', { timeout: 180_000 }, async () => {
    const load = startLoad(server.baseUrl, account);
    const figures: Record<string, number | string>[] = [];
    try {
      await sleep(1500);
      for (const mode of ['fast', 'immediate'] as const) {
        const stopping = performance.now();
        await postgres.stop(mode);
        const stopped = performance.now();
        await sleep(2500);
        const starting = performance.now();
        await postgres.start();
        const started = performance.now();
        const { unready, refused, ready, written } = await recovery(load.samples, stopping, started);
        expect(unready, `${mode}: readiness never turned 503`).toBeDefined();
        expect(ready, `${mode}: readiness never passed again`).toBeDefined();
        expect(written, `${mode}: no write succeeded after the restart`).toBeDefined();
        figures.push({
          stop: mode,
          'pg_ctl stop (ms)': round(stopped - stopping),
          'to readiness 503 (ms)': round(unready!.started + unready!.ms - stopping),
          'to first write 503 (ms)': refused ? round(refused.started + refused.ms - stopping) : 'none',
          'pg_ctl start, until it accepts connections (ms)': round(started - starting),
          'then to readiness 200 (ms)': round(ready!.started + ready!.ms - started),
          'then to first 201 (ms)': round(written!.started + written!.ms - started),
        });
        await sleep(1000);
      }
    } finally {
      await load.stop();
    }

    const failures = load.samples.filter((s) => s.error);
    expect(failures.map((s) => `${s.op.operationId}: ${s.error}`), 'requests that got no answer').toEqual([]);
    for (const sample of load.samples) expectConforms(sample.op, sample.res!);
    const byStatus = (op: OperationSpec) => Object.groupBy(load.samples.filter((s) => s.op === op), (s) => String(s.res!.status));
    const statuses = (op: OperationSpec) => Object.keys(byStatus(op)).sort();
    expect(statuses(createPost)).toEqual(['201', '503']);
    expect(statuses(listPosts)).toEqual(['200', '503']);
    expect(statuses(getReadiness)).toEqual(['200', '503']);
    expect(statuses(getLiveness)).toEqual(['200']);
    for (const sample of load.samples.filter((s) => s.res!.status === 503 && s.op !== getReadiness)) {
      expect(sample.res!.headers.get('retry-after'), 'a 503 says when to retry').toMatch(/^\d+$/);
    }
    const slowest = Math.max(...load.samples.map((s) => s.ms));
    expect(slowest, `the slowest request took ${round(slowest)} ms`).toBeLessThanOrEqual(BOUND_MS);

    // Every post acknowledged with 201 is there, as it was written.
    for (const { id, title } of load.created) {
      const res = await send(server.baseUrl, `/api/v1/posts/${id}`, { headers: account.auth });
      expectConforms(getPost, res);
      expect(res.status, `${id}: ${res.text}`).toBe(200);
      expect((res.body as { title: string }).title).toBe(title);
    }

    const count = (op: OperationSpec, status: string) => byStatus(op)[status]?.length ?? 0;
    console.log(
      [
        'Outage figures (throwaway PostgreSQL, stopped and started under load):',
        ...figures.map((f) => `  ${Object.entries(f).map(([k, v]) => `${k}: ${v}`).join(', ')}`),
        `  requests: ${load.samples.length}; slowest ${round(slowest)} ms (bound ${BOUND_MS} ms); ` +
          `writes 201: ${count(createPost, '201')}, 503: ${count(createPost, '503')}; reads 503: ${count(listPosts, '503')}; ` +
          `readiness 503: ${count(getReadiness, '503')}; liveness 200: ${count(getLiveness, '200')} of ${load.samples.filter((s) => s.op === getLiveness).length}; ` +
          `posts acknowledged and found: ${load.created.length}`,
      ].join('\n'),
    );
  });

  it('answers 503 within a bound when the database stops answering and closes nothing (frozen), and loses no acknowledged write', { timeout: 120_000 }, async () => {
    // A statement timeout shorter than the freeze: each query is given up a second after it.
    const frozenServer = await startFolio(
      'postgres',
      { FOLIO_RATE_LIMITS: 'read=1000000/600,write=1000000/600,auth=1000000/600', FOLIO_STATEMENT_TIMEOUT_MS: String(FROZEN_STATEMENT_TIMEOUT_MS) },
      { postgresServer: postgres.url },
    );
    try {
      await frozenPhase(frozenServer);
    } finally {
      await frozenServer.stop();
    }
  });

  /** Load on `frozenServer` while its database is frozen and thawed: the bound, the statuses, every acknowledged write. */
  async function frozenPhase(frozenServer: RunningFolio) {
    const writer = await signUp(frozenServer.baseUrl);
    const load = startLoad(frozenServer.baseUrl, writer);
    let figures = '';
    try {
      await sleep(1000);
      const freezing = performance.now();
      postgres.freeze(true);
      try {
        await sleep(FROZEN_MS);
      } finally {
        postgres.freeze(false);
      }
      const thawed = performance.now();
      const { unready, refused, ready, written } = await recovery(load.samples, freezing, thawed);
      expect(unready, 'readiness turned 503').toBeDefined();
      expect(refused, 'a write was refused with 503').toBeDefined();
      expect(ready, 'readiness passed again').toBeDefined();
      expect(written, 'a write succeeded again').toBeDefined();
      figures =
        `to readiness 503: ${round(unready!.started + unready!.ms - freezing)} ms, to first write 503: ${round(refused!.started + refused!.ms - freezing)} ms; ` +
        `after the thaw, to readiness 200: ${round(ready!.started + ready!.ms - thawed)} ms, to first 201: ${round(written!.started + written!.ms - thawed)} ms`;
    } finally {
      await load.stop();
    }
    expect(load.samples.filter((s) => s.error).map((s) => `${s.op.operationId}: ${s.error}`), 'requests that got no answer').toEqual([]);
    for (const sample of load.samples) expectConforms(sample.op, sample.res!);
    expect([...new Set(load.samples.map((s) => s.res!.status))].filter((status) => status >= 500 && status !== 503), 'no 5xx but 503').toEqual([]);
    const slowest = Math.max(...load.samples.map((s) => s.ms));
    expect(slowest, `the slowest request took ${round(slowest)} ms of a ${FROZEN_MS} ms freeze`).toBeLessThanOrEqual(FROZEN_BOUND_MS);
    for (const { id, title } of load.created) {
      const res = await send(frozenServer.baseUrl, `/api/v1/posts/${id}`, { headers: writer.auth });
      expect(res.status, `${id}: ${res.text}`).toBe(200);
      expect((res.body as { title: string }).title).toBe(title);
    }
    console.log(`Frozen database (SIGSTOP for ${FROZEN_MS} ms, under load): ${figures}; slowest request ${round(slowest)} ms (bound ${FROZEN_BOUND_MS} ms); posts acknowledged and found: ${load.created.length}`);
  }

  // The rate limiter counts anonymous requests before anything else reads the database, so the
  // reader above already shows it failing with 503. Here: an over-budget client stays limited
  // through the outage and after it, and a create whose database died under it — its
  // Idempotency-Key claimed, its transaction under way — is neither lost nor run twice on retry.
  it('rate limits and Idempotency-Keys fail the same way: 503, never a 500, nothing gets around them', { timeout: 120_000 }, async () => {
    const limited = await startFolio('postgres', { FOLIO_RATE_LIMITS: 'read=3/600,write=1000000/600,auth=1000000/600' }, { postgresServer: postgres.url });
    const lock = new pg.Client({ connectionString: server.databaseUrl });
    try {
      const read = () => send(limited.baseUrl, '/api/v1/posts?limit=1');
      // Spend the budget (the start-up probe spent some of it already).
      let spent = await read();
      for (let i = 0; i < 4 && spent.status === 200; i++) spent = await read();
      expect(spent.status, spent.text).toBe(429);

      // A create held inside its transaction: the author's row is locked, so inserting the post waits.
      const key = randomUUID();
      const tag = `idem-${key.slice(0, 8)}`;
      const create = () => send(server.baseUrl, createPost.path, { method: 'POST', headers: { ...account.auth, 'Idempotency-Key': key }, json: { title: 'Once', tags: [tag] } });
      await lock.connect();
      lock.on('error', () => {}); // it dies with the server
      await lock.query('begin');
      await lock.query('select 1 from users where id = $1 for update', [account.user.id]);
      const held = create();
      // Watched from a connection of its own: inside the lock's transaction, pg_stat_activity stays as it was first read.
      const watcher = new pg.Client({ connectionString: server.databaseUrl });
      let waiting = false;
      await watcher.connect();
      try {
        for (const deadline = Date.now() + 4000; !waiting && Date.now() < deadline; await sleep(20)) {
          const { rows } = await watcher.query<{ n: number }>(`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()`);
          waiting = rows[0]!.n > 0;
        }
      } finally {
        await watcher.end();
      }
      expect(waiting, 'the create waits on the lock').toBe(true);

      await postgres.stop('fast');
      try {
        const interrupted = await held;
        expectConforms(createPost, interrupted);
        expect(interrupted.status, interrupted.text).toBe(503);
        for (let i = 0; i < 3; i++) {
          const over = await read();
          expectConforms(listPosts, over);
          expect([429, 503], over.text).toContain(over.status);
          const retry = await create();
          expectConforms(createPost, retry);
          expect(retry.status, retry.text).toBe(503);
        }
      } finally {
        await postgres.start();
      }

      // Still over budget: the outage gave no fresh one.
      const after = await read();
      expectConforms(listPosts, after);
      expect(after.status, after.text).toBe(429);
      // Retried until the interrupted claim's lease (10 s) has lapsed: created once, then replayed.
      let retried = await create();
      for (let i = 0; i < 40 && retried.status === 409; i++) retried = await create();
      expectConforms(createPost, retried);
      expect(retried.status, retried.text).toBe(201);
      const replayed = await create();
      expect(replayed.status).toBe(201);
      expect(replayed.headers.get('idempotent-replayed')).toBe('true');
      expect(replayed.body).toEqual(retried.body);
      const found = await send(server.baseUrl, `/api/v1/posts?tag=${tag}&status=draft&limit=10`, { headers: account.auth });
      expect((found.body as { data: unknown[] }).data).toHaveLength(1);
    } finally {
      await lock.end().catch(() => {});
      await limited.stop();
    }
  });
});
