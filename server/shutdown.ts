/**
 * Graceful shutdown of the production server (server/start.ts) on SIGTERM or SIGINT:
 *
 * 1. readiness fails at once (server/lifecycle.ts), so load balancers and orchestrators stop
 *    sending traffic;
 * 2. the listener closes: no new connection is accepted; requests already under way — and any
 *    that arrive on their connections meanwhile, answered with `Connection: close` — finish, and
 *    each connection closes once idle (one that has sent nothing yet, at once);
 * 3. background work stops and the run under way finishes (server/background.ts);
 * 4. Next.js's own clean-up runs, and the database closes (the pool, or the embedded database and
 *    its folder lock);
 * 5. the process exits 0, saying in the log how long each step took.
 *
 * If that takes longer than FOLIO_SHUTDOWN_GRACE_MS, the connections left are cut and the process
 * exits 1 at once (the embedded database survives that, as it survives `kill -9`). A second signal
 * does the same without waiting.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { stopBackgroundWork } from './background.ts';
import { enter } from './lifecycle.ts';
import { log } from './log.ts';

export interface ShutdownOptions {
  server: Server;
  graceMs: number;
  /** Next.js's clean-up (`app.close()`), run once no request is left. */
  closeApp: () => Promise<void>;
}

const elapsed = (since: number) => Math.round(performance.now() - since);

/** Every open connection of `server`, from now on. */
function trackConnections(server: Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return sockets;
}

/**
 * Closes the listener and resolves once every connection has closed, each as soon as it is idle.
 * Node closes the idle connections when the server closes, but neither those that become idle
 * after (a kept-alive one would stay open for its keep-alive timeout) nor those that have not sent
 * a byte yet (which no timeout of Node's ever closes): both are closed here as they are found.
 * A request whose first bytes have arrived is under way, and finishes.
 */
async function drainConnections(server: Server, sockets: Set<Socket>): Promise<void> {
  const closeIdle = () => {
    server.closeIdleConnections();
    for (const socket of sockets) if (socket.bytesRead === 0) socket.destroy();
  };
  const idle = setInterval(closeIdle, 50);
  try {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      closeIdle();
    });
  } finally {
    clearInterval(idle);
  }
}

export function shutDownOnSignals(options: ShutdownOptions): void {
  const sockets = trackConnections(options.server);
  let began: number | undefined;
  const shutdown = (signal: NodeJS.Signals) => {
    if (began !== undefined) {
      log.warn({ signal }, 'second signal while stopping: exiting now');
      process.exit(1);
    }
    began = performance.now();
    const since = began;
    enter('stopping');
    log.info({ signal, grace_ms: options.graceMs }, 'stopping: readiness fails, no new connections; finishing the requests under way');
    const deadline = setTimeout(() => {
      log.error({ after_ms: elapsed(since) }, 'grace period over: cutting the connections left and exiting');
      options.server.closeAllConnections();
      process.exit(1);
    }, options.graceMs);
    deadline.unref();
    void (async () => {
      await drainConnections(options.server, sockets);
      const requestsMs = elapsed(since);
      const background = await stopBackgroundWork();
      await options.closeApp();
      // Imported now, not with this module: the front server must not load `pg` before
      // instrumentation.ts has had telemetry instrument it.
      const { closeDatabase } = await import('./db/index.ts');
      await closeDatabase();
      log.info({ drain_ms: elapsed(since), requests_ms: requestsMs, background }, 'stopped: requests finished, background work drained, database closed');
      process.exit(0);
    })().catch((error: unknown) => {
      log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    });
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}
