import { sql } from 'kysely';
import { db } from '../db/index.ts';

/** Readiness warns when an attempt is this overdue: the workers are not keeping up, or none runs. */
export const WEBHOOK_BACKLOG_WARN_SECONDS = 300;

/** How many seconds the most overdue pending attempt has waited past its time (0: none). */
export async function webhookBacklogSeconds(): Promise<number> {
  const row = await db()
    .selectFrom('webhook_deliveries')
    .select(sql<number>`coalesce(extract(epoch from now() - min(next_attempt_at)), 0)::int`.as('seconds'))
    .where('state', '=', 'pending')
    .where('next_attempt_at', '<=', sql<Date>`now()`)
    .executeTakeFirstOrThrow();
  return Math.max(0, Number(row.seconds));
}
