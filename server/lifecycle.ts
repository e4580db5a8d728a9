/**
 * Where the process is in its life: `starting` until the database is open and migrated
 * (server/on-start.ts), `serving`, then `stopping` from the moment it is told to stop
 * (server/shutdown.ts). Readiness fails in every state but `serving`.
 *
 * Kept on globalThis: the front server (server/start.ts, run by Node) and the route bundles Next.js
 * builds each load their own copy of this module, and all must see one state.
 */
export type Lifecycle = 'starting' | 'serving' | 'stopping';

const KEY = Symbol.for('folio.lifecycle');
const holder = globalThis as typeof globalThis & { [KEY]?: Lifecycle };

export function lifecycle(): Lifecycle {
  return holder[KEY] ?? 'starting';
}

/** Moves on to `next`; never back from `stopping`. */
export function enter(next: Lifecycle): void {
  if (holder[KEY] !== 'stopping') holder[KEY] = next;
}
