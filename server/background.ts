/**
 * Work a process does on its own, outside any request (today the sweep of expired Idempotency-Keys;
 * a webhook queue would be the next). Each piece registers how to stop it, so that shutdown
 * (server/shutdown.ts) stops scheduling new runs and waits for the one under way before the
 * database closes under it.
 *
 * Kept on globalThis: the work is started by instrumentation.ts in Next.js's bundle, and stopped by
 * the front server (server/start.ts), which loads its own copy of this module.
 */
export interface BackgroundWork {
  name: string;
  /** Schedules nothing more, and resolves once the run under way (if any) has finished. */
  stop(): Promise<void>;
}

const KEY = Symbol.for('folio.background');
const holder = globalThis as typeof globalThis & { [KEY]?: Map<string, BackgroundWork> };
const registry = () => (holder[KEY] ??= new Map());

/** Registers a piece of work; registering a name again (a reload in development) stops and replaces the old one. */
export function registerBackgroundWork(work: BackgroundWork): void {
  void registry().get(work.name)?.stop();
  registry().set(work.name, work);
}

/** Stops every piece of work and waits for each; returns their names. */
export async function stopBackgroundWork(): Promise<string[]> {
  const works = [...registry().values()];
  registry().clear();
  await Promise.allSettled(works.map((work) => work.stop()));
  return works.map((work) => work.name);
}

/**
 * Runs `task` now and every `everyMs`, one run at a time, as background work named `name`: a run
 * never overlaps the previous one, and stopping waits for the run under way.
 */
export function every(name: string, everyMs: number, task: () => Promise<void>): void {
  let running: Promise<void> | undefined;
  let stopped = false;
  const run = () => {
    if (stopped || running) return;
    running = task().finally(() => (running = undefined));
  };
  run();
  const timer = setInterval(run, everyMs);
  timer.unref();
  registerBackgroundWork({
    name,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  });
}
