import { every } from '../background.ts';
import { config } from '../config.ts';
import { db } from '../db/index.ts';
import { sweepDeliveries } from '../inbound/service.ts';
import { log } from '../log.ts';
import { sweepEvents } from './log.ts';

const SWEEP_EVERY_MS = 3_600_000;

const retentionCutoff = () => new Date(Date.now() - config.eventRetentionDays * 86_400_000);

/** Deletes the events older than FOLIO_EVENT_RETENTION_DAYS (30) days; returns how many. */
export const sweepExpiredEvents = (): Promise<number> => sweepEvents(db(), retentionCutoff());

/**
 * Deletes inbound deliveries received longer ago than the same retention: their delivery ids stop
 * being recognised as repeats then, long after any sender stops retrying (Stripe: 3 days).
 */
export const sweepExpiredDeliveries = (): Promise<number> => sweepDeliveries(retentionCutoff());

/**
 * Events and inbound deliveries are kept FOLIO_EVENT_RETENTION_DAYS days: swept at start, then
 * hourly, off the request path; shutdown waits for a sweep under way.
 */
export function scheduleEventSweep(): void {
  every('event-sweep', SWEEP_EVERY_MS, async () => {
    for (const [what, run] of [['events', sweepExpiredEvents], ['inbound deliveries', sweepExpiredDeliveries]] as const) {
      try {
        const deleted = await run();
        if (deleted > 0) log.info({ deleted }, `old ${what} swept`);
      } catch (error) {
        log.warn({ err: error }, `sweeping old ${what} failed`);
      }
    }
  });
}
