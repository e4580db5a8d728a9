/**
 * The health operations (contracts/health): liveness answers without the database, credentials or
 * a rate limit; readiness runs its checks and says what it saw, 200 for pass or warn, 503 for fail,
 * in `application/health+json`. What the database going away, starting and stopping do to them is
 * proven in outage.test.ts, shutdown.test.ts and pipeline-statuses.test.ts.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { getLiveness, getReadiness } from '../../contracts/health/operations.ts';
import { HEALTH_MEDIA_TYPE } from '../../contracts/health/schemas.ts';
import { migrations } from '../../server/db/migrations/index.ts';
import { expectConforms, send } from '../support/contract-assertions.ts';
import { databaseKinds, startFolio, type RunningFolio } from '../support/folio-server.ts';

const servers = inject('servers');
const CHECKS = ['server:lifecycle', 'postgres:responseTime', 'postgres:migrations', 'idempotency-keys:backlog', 'webhooks:backlog'];

type Check = { status: string; observedValue?: number | string; output?: string; componentId?: string };
type Health = { status: string; version: string; releaseId: string; checks: Record<string, Check[]> };

// A server of its own: on the shared ones other suites' webhook endpoints may have attempts
// overdue at any moment (a legitimate warn), and "pass" is what a quiet server says.
describe.each(databaseKinds())('health on %s', (kind) => {
  let server: RunningFolio;
  let baseUrl: string;
  beforeAll(async () => {
    server = await startFolio(kind);
    baseUrl = server.baseUrl;
  });
  afterAll(async () => server?.stop());

  it('liveness: 200 pass with the version and release, no rate limit, never cached', async () => {
    const res = await send(baseUrl, getLiveness.path);
    expectConforms(getLiveness, res);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(HEALTH_MEDIA_TYPE);
    expect(res.body).toEqual({ status: 'pass', version: expect.stringMatching(/^\d+\.\d+\.\d+$/), releaseId: expect.any(String) });
    expect(res.headers.get('ratelimit')).toBeNull();
    expect(res.headers.get('ratelimit-policy')).toBeNull();
    expect(res.headers.get('cache-control')).toContain('no-store');
  });

  it('readiness: 200 pass with every check and what it observed', async () => {
    const res = await send(baseUrl, getReadiness.path);
    expectConforms(getReadiness, res);
    expect(res.status, res.text).toBe(200);
    const health = res.body as Health;
    expect(health.status, JSON.stringify(health.checks)).toBe('pass');
    expect(Object.keys(health.checks).sort()).toEqual([...CHECKS].sort());
    expect(health.checks['server:lifecycle']![0]).toMatchObject({ status: 'pass', observedValue: 'serving' });
    expect(health.checks['postgres:responseTime']![0]).toMatchObject({ status: 'pass', observedUnit: 'ms', componentId: kind === 'postgres' ? 'postgresql' : 'pglite' });
    expect(health.checks['postgres:migrations']![0]).toMatchObject({ status: 'pass', observedValue: 0 });
    expect(res.headers.get('ratelimit')).toBeNull();
    expect(res.headers.get('cache-control')).toContain('no-store');
  });

  it('answers a client that accepts application/json with the health document (a +json type), and 406 one that accepts neither', async () => {
    for (const op of [getLiveness, getReadiness]) {
      const json = await send(baseUrl, op.path, { headers: { Accept: 'application/json' } });
      expect(json.headers.get('content-type')).toBe(HEALTH_MEDIA_TYPE);
      expect(json.status).toBe(200);
      const html = await send(baseUrl, op.path, { headers: { Accept: 'text/html' } });
      expectConforms(op, html);
      expect(html.status).toBe(406);
    }
  });

});

// Readiness reads the database: a migration it lacks fails it, an idempotency sweep that falls
// behind makes it warn. Arranged in the PostgreSQL test database, which tests may write to (the
// embedded one belongs to its server alone), and put back at once: nothing else reads readiness.
describe.each(servers.filter((server) => server.databaseUrl))('readiness reads the database on $kind', ({ baseUrl, databaseUrl }) => {
  async function withClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }

  /** Readiness answers 200 `warn`, and `name` is the check that warns: its observation. */
  const warning = async (name: string) => {
    const res = await send(baseUrl, getReadiness.path);
    expectConforms(getReadiness, res);
    expect(res.status, res.text).toBe(200);
    const health = res.body as Health;
    expect(health.status).toBe('warn');
    const check = health.checks[name]![0]!;
    expect(check.status).toBe('warn');
    return check;
  };

  it('fails (503) while a migration of this release is not applied, naming it', async () => {
    const last = Object.keys(migrations).at(-1)!;
    await withClient(async (client) => {
      const { rows } = await client.query<{ name: string; timestamp: string }>('delete from kysely_migration where name = $1 returning name, timestamp', [last]);
      expect(rows).toHaveLength(1);
      try {
        const res = await send(baseUrl, getReadiness.path);
        expectConforms(getReadiness, res);
        expect(res.status, res.text).toBe(503);
        const health = res.body as Health;
        expect(health.status).toBe('fail');
        expect(health.checks['postgres:migrations']![0]).toMatchObject({ status: 'fail', observedValue: 1, output: `Not applied yet: ${last}.` });
        expect(health.checks['postgres:responseTime']![0]!.status).toBe('pass');
      } finally {
        await client.query('insert into kysely_migration (name, timestamp) values ($1, $2)', [rows[0]!.name, rows[0]!.timestamp]);
      }
    });
    expect((await send(baseUrl, getReadiness.path)).status).toBe(200);
  });

  it('warns (200) when expired Idempotency-Keys wait for the sweep longer than two sweeps', async () => {
    const key = `health-backlog-${Date.now()}`;
    await withClient((client) =>
      client.query(
        `insert into idempotency_keys (scope, key, fingerprint, state, created_at) values ('ip:health-test', $1, 'x', 'done', now() - interval '27 hours')`,
        [key],
      ),
    );
    try {
      expect((await warning('idempotency-keys:backlog')).observedValue).toBeGreaterThanOrEqual(3 * 3600 - 60);
    } finally {
      await withClient((client) => client.query(`delete from idempotency_keys where key = $1`, [key]));
    }
  });

  it('warns (200) when a webhook attempt is overdue: the workers are not keeping up', async () => {
    const suffix = Date.now().toString(36).padStart(26, '0');
    const [id, eventId, deliveryId] = [`whe_${suffix}`, `evt_${suffix}`, `whd_${suffix}`];
    await withClient(async (client) => {
      const { rows } = await client.query<{ id: string }>('select id from users limit 1');
      await client.query(`insert into webhook_endpoints (id, owner_id, url, secret, enabled, scopes, created_at, updated_at) values ($1, $2, 'https://receiver.invalid/', 'v1.sealed', false, '{}', now(), now())`, [id, rows[0]!.id]);
      await client.query(`insert into events (id, type, data, visibility, owner_id, created_at) values ($1, 'user.created', '{}', 'owner', $2, now())`, [eventId, rows[0]!.id]);
      await client.query(
        `insert into webhook_deliveries (id, endpoint_id, event_id, event_type, state, next_attempt_at, created_at, updated_at) values ($1, $2, $3, 'user.created', 'pending', now() - interval '10 minutes', now(), now())`,
        [deliveryId, id, eventId],
      );
    });
    try {
      expect((await warning('webhooks:backlog')).observedValue).toBeGreaterThanOrEqual(590);
    } finally {
      await withClient(async (client) => {
        await client.query('delete from webhook_endpoints where id = $1', [id]);
        await client.query('delete from events where id = $1', [eventId]);
      });
    }
  });
});
