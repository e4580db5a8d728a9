/**
 * The checks readiness runs (their names and documented meaning: contracts/health/schemas.ts).
 * Each database check has FOLIO_READY_TIMEOUT_MS to answer; they run side by side, and a probe
 * arriving while a round runs shares it, so probes never queue up work on a struggling database.
 * Background work that can fall behind (the key sweep, webhook deliveries) has its check in the
 * contract and in CHECKS below — the compiler asks for both.
 */
import { sql } from 'kysely';
import type { HealthCheckValue, ReadinessCheckName, ReadinessChecksValue } from '../../contracts/health/schemas.ts';
import { config } from '../config.ts';
import { db } from '../db/index.ts';
import { isTransientDatabaseError } from '../db/errors.ts';
import { migrations } from '../db/migrations/index.ts';
import { IDEMPOTENCY_BACKLOG_WARN_SECONDS, idempotencyBacklogSeconds } from '../http/idempotency.ts';
import { lifecycle } from '../lifecycle.ts';
import { log } from '../log.ts';
import { WEBHOOK_BACKLOG_WARN_SECONDS, webhookBacklogSeconds } from '../webhooks/backlog.ts';

type Status = HealthCheckValue['status'];
type Observation = Omit<HealthCheckValue, 'time' | 'componentType' | 'componentId'>;
type Check = { componentType: HealthCheckValue['componentType']; database: boolean; observe: () => Promise<Observation> };

/** Background work's check: how far behind it is, in seconds; past `warnSeconds` a warning saying `behindOutput`. */
function backlog(secondsBehind: () => Promise<number>, warnSeconds: number, behindOutput: string): Check {
  return {
    componentType: 'component',
    database: true,
    async observe() {
      const seconds = await secondsBehind();
      const behind = seconds > warnSeconds;
      return { observedValue: seconds, observedUnit: 's', status: behind ? 'warn' : 'pass', ...(behind && { output: behindOutput }) };
    },
  };
}

const componentId = () => (config.databaseUrl ? 'postgresql' : 'pglite');

class CheckTimeout extends Error {}

function withinTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CheckTimeout()), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

const CHECKS: { [K in Exclude<ReadinessCheckName, 'server:lifecycle'>]: Check } = {
  'postgres:responseTime': {
    componentType: 'datastore',
    database: true,
    async observe() {
      const started = performance.now();
      await sql`select 1`.execute(db());
      const ms = Math.round((performance.now() - started) * 100) / 100;
      const slow = ms > config.readyTimeoutMs / 2;
      return { observedValue: ms, observedUnit: 'ms', status: slow ? 'warn' : 'pass', ...(slow && { output: 'The database answers slowly.' }) };
    },
  },
  'postgres:migrations': {
    componentType: 'datastore',
    database: true,
    async observe() {
      const applied = await sql<{ name: string }>`select name from kysely_migration`.execute(db());
      const done = new Set(applied.rows.map((row) => row.name));
      const pending = Object.keys(migrations).filter((name) => !done.has(name));
      return {
        observedValue: pending.length,
        observedUnit: 'pending',
        status: pending.length === 0 ? 'pass' : 'fail',
        ...(pending.length > 0 && { output: `Not applied yet: ${pending.join(', ')}.` }),
      };
    },
  },
  'idempotency-keys:backlog': backlog(idempotencyBacklogSeconds, IDEMPOTENCY_BACKLOG_WARN_SECONDS, 'The sweep of expired keys is falling behind.'),
  'webhooks:backlog': backlog(webhookBacklogSeconds, WEBHOOK_BACKLOG_WARN_SECONDS, 'Webhook attempts are overdue: the workers are not keeping up, or none runs.'),
};

/** A check that threw: the reason in words a client may see (the error itself goes to the log). */
function failed(name: string, error: unknown): Observation {
  if (error instanceof CheckTimeout) return { status: 'fail', output: `No answer within ${config.readyTimeoutMs} ms.` };
  if (isTransientDatabaseError(error)) return { status: 'fail', output: 'The database is unreachable, starting or shutting down.' };
  log.warn({ err: error, check: name }, 'readiness check failed');
  return { status: 'fail', output: 'The check failed; the server log has the error.' };
}

async function run(name: keyof typeof CHECKS, check: Check): Promise<HealthCheckValue> {
  const observation = await withinTimeout(check.observe(), config.readyTimeoutMs).catch((error: unknown) => failed(name, error));
  return {
    ...(check.database && { componentId: componentId() }),
    componentType: check.componentType,
    ...observation,
    time: new Date().toISOString(),
  };
}

const WORST: Status[] = ['fail', 'warn', 'pass'];

async function round(): Promise<{ status: Status; checks: ReadinessChecksValue }> {
  const state = lifecycle();
  const serving = state === 'serving';
  const checks: ReadinessChecksValue = {
    'server:lifecycle': [{ componentType: 'system', observedValue: state, status: serving ? 'pass' : 'fail', time: new Date().toISOString() }],
  };
  // Starting, the database may not be open yet; stopping, it is closing: neither is asked.
  if (serving) {
    const names = Object.keys(CHECKS) as (keyof typeof CHECKS)[];
    const results = await Promise.all(names.map((name) => run(name, CHECKS[name])));
    for (const [i, name] of names.entries()) checks[name] = [results[i]!];
  }
  const statuses = new Set(Object.values(checks).flatMap((list) => list.map((check) => check.status)));
  return { status: WORST.find((status) => statuses.has(status)) ?? 'pass', checks };
}

let current: ReturnType<typeof round> | undefined;

/** Runs the readiness checks — or joins the round under way. */
export function checkReadiness(): ReturnType<typeof round> {
  current ??= round().finally(() => (current = undefined));
  return current;
}
