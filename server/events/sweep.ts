import { every } from '../background.ts';
import { config } from '../config.ts';
import { db } from '../db/index.ts';
import { log } from '../log.ts';
import { sweepEvents } from './log.ts';

const SWEEP_EVERY_MS = 3_600_000;

/** Deletes the events older than FOLIO_EVENT_RETENTION_DAYS (30) days; returns how many. */
export const sweepExpiredEvents = (): Promise<number> => sweepEvents(db(), new Date(Date.now() - config.eventRetentionDays * 86_400_000));

/** Events are kept FOLIO_EVENT_RETENTION_DAYS days: swept at start, then hourly, off the request path; shutdown waits for a sweep under way. */
export function scheduleEventSweep(): void {
  every('event-sweep', SWEEP_EVERY_MS, async () => {
    try {
      const deleted = await sweepExpiredEvents();
      if (deleted > 0) log.info({ deleted }, 'old events swept');
    } catch (error) {
      log.warn({ err: error }, 'sweeping old events failed');
    }
  });
}
