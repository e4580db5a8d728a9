import { config } from '../config.ts';
import { db } from '../db/index.ts';
import { log } from '../log.ts';
import { sweepEvents } from './log.ts';

const SWEEP_EVERY_MS = 3_600_000;

/** Deletes the events older than FOLIO_EVENT_RETENTION_DAYS (30) days; returns how many. */
export const sweepExpiredEvents = (): Promise<number> => sweepEvents(db(), new Date(Date.now() - config.eventRetentionDays * 86_400_000));

/** Events are kept FOLIO_EVENT_RETENTION_DAYS days: swept at start, then hourly, off the request path. */
export function scheduleEventSweep(): void {
  const sweep = () =>
    sweepExpiredEvents()
      .then((deleted) => deleted > 0 && log.info({ deleted }, 'old events swept'))
      .catch((error: unknown) => log.warn({ err: error }, 'sweeping old events failed'));
  void sweep();
  setInterval(sweep, SWEEP_EVERY_MS).unref();
}
