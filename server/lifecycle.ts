/**
 * Where the process is in its life: `starting` until the database is open and migrated
 * (server/on-start.ts), `serving`, then `stopping` from the moment it is told to stop
 * (server/shutdown.ts). Readiness fails in every state but `serving`.
 *
 * Kept on globalThis: the front server (server/start.ts, run by Node) and the route bundles Next.js
 * builds each load their own copy of this module, and all must see one state.
 */
import { setMaxListeners } from 'node:events';

export type Lifecycle = 'starting' | 'serving' | 'stopping';

const STATE = Symbol.for('folio.lifecycle');
const STOPPING = Symbol.for('folio.lifecycle.stopping');
const holder = globalThis as typeof globalThis & { [STATE]?: Lifecycle; [STOPPING]?: AbortController };

export function lifecycle(): Lifecycle {
  return holder[STATE] ?? 'starting';
}

/**
 * Aborted the moment the process starts stopping. A response that would otherwise never end — a
 * stream of events — listens to it and ends, so that shutdown need not wait out its grace for it.
 */
export function stopping(): AbortSignal {
  return controller().signal;
}

/** One controller for the process; every open stream listens to its signal, so no listener limit applies. */
function controller(): AbortController {
  if (!holder[STOPPING]) {
    holder[STOPPING] = new AbortController();
    setMaxListeners(0, holder[STOPPING].signal);
  }
  return holder[STOPPING];
}

/** Moves on to `next`; never back from `stopping`. */
export function enter(next: Lifecycle): void {
  if (holder[STATE] === 'stopping') return;
  holder[STATE] = next;
  if (next === 'stopping') controller().abort();
}
