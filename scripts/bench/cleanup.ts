import type { ChildProcess } from 'node:child_process';

/**
 * Whatever the bench starts (child processes, the server, temporary directories, scratch
 * databases) registers how to stop or remove it here, so it goes on success, error or Ctrl-C.
 */
const cleanups: (() => Promise<void>)[] = [];

/** Registers a step; steps run newest first, like a stack of `finally` blocks. */
export function track(step: () => Promise<void>): void {
  cleanups.push(step);
}

/** A child that measures (and has nothing to finish) is killed at cleanup if it is still running; `register` is `track` unless a caller passes its own. */
export function killOnCleanUp(child: ChildProcess, register: (step: () => Promise<void>) => void = track): void {
  register(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
}

export async function cleanUp() {
  while (cleanups.length > 0) {
    const step = cleanups.pop() as () => Promise<void>;
    try {
      await step();
    } catch (error) {
      console.error(`cleanup: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** Ctrl-C or a kill still cleans up, then exits 130. */
export function cleanUpOnSignals(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: cleaning up …`);
      void cleanUp().then(() => process.exit(130));
    });
  }
}
