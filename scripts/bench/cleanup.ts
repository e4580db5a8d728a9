/**
 * Whatever the bench starts (child processes, the server, temporary directories, scratch
 * databases) registers how to stop or remove it here, so it goes on success, error or Ctrl-C.
 */
const cleanups: (() => Promise<void>)[] = [];

/** Registers a step; steps run newest first, like a stack of `finally` blocks. */
export function track(step: () => Promise<void>): void {
  cleanups.push(step);
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
