/**
 * Folio's production server (`node server/start.ts`) as a child process: a free port, starting it
 * with a given environment and waiting until it answers, and stopping it. Shared by the test
 * servers (tests/support/folio-server.ts) and the bench (scripts/bench/http.ts); each adds its own
 * database and settings. Scratch PostgreSQL databases for them come from scripts/lib/database.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository: where `server/start.ts` and the production build (`.next/`) are. */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Whether `root` holds a production build (`next build`) the server can run. */
export function hasBuild(root: string = REPO_ROOT): boolean {
  return existsSync(join(root, '.next/BUILD_ID'));
}

/** A TCP port on 127.0.0.1 that nothing listened on a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Stops a child with SIGTERM (SIGKILL if it is still there after 5 s); nothing to do if it has exited. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (exited(child)) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await gone;
  clearTimeout(timer);
}

/** A request that tells the server is up: `path` answered with `status`. */
export interface Readiness {
  path: string;
  status: number;
}

async function waitUntilUp(baseUrl: string, child: ChildProcess, logFile: string, ready: Readiness, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited(child)) throw new Error(`Folio exited (${child.exitCode ?? child.signalCode}); see ${logFile}`);
    try {
      const response = await fetch(`${baseUrl}${ready.path}`);
      await response.arrayBuffer();
      if (response.status === ready.status) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`Folio did not answer within ${timeoutMs / 1000} s; see ${logFile}`);
}

export interface FolioProcess {
  baseUrl: string;
  child: ChildProcess;
  logFile: string;
  stop(): Promise<void>;
}

/**
 * Starts `node server/start.ts` (NODE_ENV=production) on a free port of 127.0.0.1 with `env` on
 * top of this process's environment, its output appended to `logFile`, and waits until
 * `ready` answers. `onSpawn` gets the stop function as soon as there is a process to stop, so a
 * caller's cleanup (Ctrl-C) covers the wait too. If the server does not come up it is stopped
 * and the error names the log.
 */
export async function spawnFolio(options: {
  root?: string;
  logFile: string;
  env: Record<string, string>;
  /** Flags for node itself, before the script (V8's `--trace-gc`, which NODE_OPTIONS does not allow). */
  nodeFlags?: string[];
  ready: Readiness;
  timeoutMs?: number;
  onSpawn?: (stop: () => Promise<void>) => void;
  /** The port to listen on (a free one unless given): a caller that probes it before it is up needs to know it. */
  port?: number;
}): Promise<FolioProcess> {
  const port = options.port ?? (await freePort());
  const out = openSync(options.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, [...(options.nodeFlags ?? []), 'server/start.ts'], {
      cwd: options.root ?? REPO_ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        NEXT_TELEMETRY_DISABLED: '1',
        PORT: String(port),
        FOLIO_HOST: '127.0.0.1',
        ...options.env,
      },
      stdio: ['ignore', out, out],
    });
  } finally {
    closeSync(out);
  }
  const stop = () => stopChild(child);
  options.onSpawn?.(stop);
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitUntilUp(baseUrl, child, options.logFile, options.ready, options.timeoutMs ?? 60_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseUrl, child, logFile: options.logFile, stop };
}
