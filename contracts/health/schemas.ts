/**
 * Health documents (`application/health+json`, draft-inadarei-api-health-check-06): the status of
 * the whole service, and for readiness each check it ran, keyed `component:measurement`. The draft
 * expired without a successor and is what monitoring tools read; only its fields Folio fills are
 * declared.
 */
import { z } from '../zod.ts';
import type { JsonContent } from '../operation.ts';
import { Timestamp } from '../shared/primitives.ts';

export const HEALTH_MEDIA_TYPE = 'application/health+json';

/** A health document is JSON in its own media type: the contract says so, and the binding sends it. */
export function healthJson<S extends z.ZodType>(schema: S, example: z.input<S>): JsonContent<S> {
  return { schema, example, mediaType: HEALTH_MEDIA_TYPE };
}

const CheckStatus = z.enum(['pass', 'warn', 'fail']).openapi({
  description: '`pass`: healthy; `warn`: healthy, with a concern worth a look; `fail`: unhealthy.',
  example: 'pass',
});

const version = z.string().max(20).openapi({ description: 'The version of the API this release serves (the document’s `info.version`).', example: '1.0.0' });
const releaseId = z.string().max(100).openapi({
  description: 'The release running: `FOLIO_RELEASE_ID` when the deployment sets it (a commit, a tag), else the build’s id.',
  example: 'x7Kq2mN4pR8sT1vW',
});

/** One observation of one component (the draft's "check"). */
export const HealthCheck = z
  .object({
    componentId: z.string().max(100).optional().openapi({ description: 'Which instance of the component, where there are kinds.', example: 'postgresql' }),
    componentType: z.enum(['datastore', 'component', 'system']).openapi({ description: 'What kind of component was checked.', example: 'datastore' }),
    observedValue: z.union([z.number(), z.string().max(100)]).optional().openapi({ description: 'What was measured.', example: 3.2 }),
    observedUnit: z.string().max(20).optional().openapi({ description: 'The unit of `observedValue`.', example: 'ms' }),
    status: CheckStatus,
    time: Timestamp.openapi({ description: 'When it was observed (RFC 3339, UTC).' }),
    output: z.string().max(500).optional().openapi({ description: 'Why it warns or fails, in words; absent when it passes.', example: 'No answer within 1000 ms.' }),
  })
  .openapi('HealthCheck', { description: 'One observation of one component.' });

const checksOf = (description: string) => z.array(HealthCheck).min(1).max(1).optional().openapi({ description });

/**
 * What readiness checks, each key `component:measurement`. A check is present when it ran: while
 * Folio starts or stops only `server:lifecycle` is (the database is not asked then). Background
 * work that can fall behind adds its own check here and in server/health/checks.ts.
 */
export const ReadinessChecks = z
  .object({
    'server:lifecycle': checksOf('`serving`, or `starting` / `stopping` (then readiness fails at once, and nothing else is checked).'),
    'postgres:responseTime': checksOf('How long `SELECT 1` took (PostgreSQL or the embedded database); `fail` on an error or past the timeout.'),
    'postgres:migrations': checksOf('Migrations this release has that the database has not applied; `fail` unless none.'),
    'idempotency-keys:backlog': checksOf(
      'How many seconds the oldest expired Idempotency-Key has outlived its 24 hours (0: none waiting); `warn` past two hours, when the hourly sweep is not keeping up.',
    ),
    'webhooks:backlog': checksOf(
      'How many seconds the most overdue webhook attempt has waited past its time (0: none waiting); `warn` past five minutes, when the workers are not keeping up or none runs.',
    ),
  })
  .openapi('ReadinessChecks', { description: 'The checks readiness ran, keyed `component:measurement`.' });

export type ReadinessCheckName = keyof z.infer<typeof ReadinessChecks>;

export const Liveness = z
  .object({ status: z.enum(['pass']).openapi({ description: 'Always `pass`: the process answers.', example: 'pass' }), version, releaseId })
  .openapi('Liveness', { description: 'The process is up and answering (the database is not asked).' });

const readiness = <const S extends readonly [string, ...string[]]>(statuses: S, description: string) =>
  z.object({
    status: z.enum(statuses).openapi({ description, example: statuses[0] }),
    version,
    releaseId,
    checks: ReadinessChecks,
  });

export const Ready = readiness(['pass', 'warn'], '`pass`, or `warn` when a check warns: ready for traffic either way.').openapi('Ready', {
  description: 'Ready for traffic: the database answers and is migrated, and background work keeps up.',
});

export const NotReady = readiness(['fail'], 'Always `fail`: at least one check failed.').openapi('NotReady', {
  description: 'Not ready for traffic: starting, stopping, or a check failed (see `checks`). Retry later.',
});

export type HealthCheckValue = z.infer<typeof HealthCheck>;
export type ReadinessChecksValue = z.infer<typeof ReadinessChecks>;
