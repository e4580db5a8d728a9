/**
 * `npm start`: Next.js behind a small Node server, which handles what Next.js cannot or should not:
 *
 * - requests Next.js would answer with a text/plain 500 before any route code runs — methods it
 *   cannot route (TRACE, CONNECT, QUERY), paths that are not valid percent-encoding, `OPTIONS *` —
 *   and those Node would answer with a bare status (no Host, an unknown Expect) get the problems
 *   the routes send (server/front/answers.ts), read from the committed document;
 * - a request asking to switch protocols is served as the plain request it also is;
 * - an absolute-form target (`GET http://host/path`) is served as its path, never redirected to
 *   that host;
 * - requests Node's parser refuses, and requests whose headers or body stall past
 *   FOLIO_HEADERS_TIMEOUT_MS / FOLIO_REQUEST_TIMEOUT_MS, get a 400 / 408 problem and are closed;
 * - every response carries the security headers (server/http/security-headers.ts);
 * - Next.js's answers are compressed here, not by Next.js (`compress: false` in next.config.ts),
 *   at a level chosen for a server's CPU: see `compress` below;
 * - X-Forwarded-For reaches the app as the one client address resolved here (FOLIO_TRUST_PROXY);
 * - SIGTERM and SIGINT stop it gracefully (server/shutdown.ts).
 *
 * It listens only once Next.js is prepared and has run instrumentation.ts (prepareRoutes): the
 * database is open and migrated (server/on-start.ts) before "listening" is said and the first
 * connection is accepted.
 */
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { constants as zlibConstants } from 'node:zlib';
import compression from 'compression';
import next from 'next';
import { config } from './config.ts';
import { frontAnswer, transportProblem } from './front/answers.ts';
import { resolveClientAddress } from './front/client-address.ts';
import { documentedPaths } from './front/documented-paths.ts';
import { originForm, pathOf } from './front/request-target.ts';
import { armDeadline, isUpload, uploadOperations } from './front/request-deadline.ts';
import { finishResponseHead } from './front/response-head.ts';
import { SECURITY_HEADERS, securityHeaders } from './http/security-headers.ts';
import { lifecycle } from './lifecycle.ts';
import { shutDownOnSignals } from './shutdown.ts';

/** Headers set with setHeader() before (the security headers) are kept by writeHead(). */
async function send(res: ServerResponse, response: Response) {
  const body = Buffer.from(await response.arrayBuffer());
  res.writeHead(response.status, { ...Object.fromEntries(response.headers), 'Content-Length': body.length });
  res.end(body);
}

/**
 * An answer written straight to the socket, then closed: for CONNECT (Node hands over the raw
 * socket, no response object) and for requests the parser refused or that timed out.
 */
async function sendOnSocket(socket: Duplex, response: Response) {
  const body = Buffer.from(await response.arrayBuffer());
  const head = [`HTTP/1.1 ${response.status} ${STATUS_CODES[response.status]}`];
  for (const [name, value] of response.headers) head.push(`${name}: ${value}`);
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) head.push(`${name}: ${value}`);
  head.push(`content-length: ${body.length}`, 'connection: close', '', '');
  // Closed for good once sent: a stalled client that never closes its side must not keep it open.
  socket.once('finish', () => socket.destroy());
  socket.end(Buffer.concat([Buffer.from(head.join('\r\n')), body]));
}

/**
 * Content coding for what the client accepts: brotli at quality 4, else gzip or deflate at level 1
 * (nginx's default), where Next.js's own compression uses level 6. A search page of 20 posts,
 * 84 KB of JSON: level 6 took 3.5 ms to 26.3 KB, level 1 1.2 ms to 28.5 KB, brotli 4 1.7 ms to
 * 26.6 KB. Bodies under 1 KB, HEAD, types that do not compress (images) and `Cache-Control:
 * no-transform` (event streams) pass as they are, as they did through Next.js's.
 */
const compress = compression({ level: 1, brotli: { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 4 } } }) as unknown as NodeMiddleware;
/** All the middleware uses of a request and response is Node's own; its types are Express's. */
type NodeMiddleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/**
 * In production Next.js prepares the server that runs the routes — and so runs instrumentation.ts,
 * which opens and migrates the database (server/on-start.ts) — only as it handles its first
 * request: `prepare()` of the app a custom server gets skips it unless in development
 * (next/dist/server/next.js, NextServer.prepare). Done here, before listening, instead: a server
 * that accepts connections has its database migrated, a failed migration exits before any client
 * connects, and a liveness probe is never held up behind a migration. Reached through Next.js's
 * own objects (the custom server's `server`, its `getServer()`): if a Next.js upgrade moves them,
 * this throws, and every server-starting test fails, rather than the start silently going lazy.
 */
async function prepareRoutes(app: ReturnType<typeof next>) {
  const inner = (app as unknown as { server?: { getServer?: () => Promise<{ prepare?: () => Promise<void> }> } }).server;
  const routes = await inner?.getServer?.();
  if (typeof routes?.prepare !== 'function') throw new Error('server/start.ts: this Next.js version no longer exposes its route server to prepare before listening');
  await routes.prepare();
}

export async function startServer(options: { port: number; hostname: string; dir?: string }) {
  const paths = documentedPaths();
  const uploads = uploadOperations();
  const app = next({ dev: false, dir: options.dir ?? process.cwd(), hostname: options.hostname, port: options.port });
  const handle = app.getRequestHandler();
  await app.prepare();
  await prepareRoutes(app);

  /**
   * Each connection's current response. A timeout is answered only if it has not begun: once it
   * has, a second answer to the same request would corrupt the connection, which is just closed.
   */
  const inFlight = new WeakMap<Duplex, ServerResponse>();

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const { socket } = req;
    inFlight.set(socket, res);
    // Answered and read in full: a timeout on this connection from now on is the next request's.
    res.once('finish', () => {
      if (req.complete && inFlight.get(socket) === res) inFlight.delete(socket);
    });
    // Stopping: this request is served, and its connection closed after it (server/shutdown.ts).
    if (lifecycle() === 'stopping') res.setHeader('Connection', 'close');
    req.url = originForm(req.url ?? '/');
    for (const [name, value] of Object.entries(securityHeaders(pathOf(req.url)))) res.setHeader(name, value);
    // Rate limits key anonymous callers by this address: the app reads it from here alone.
    req.headers['x-forwarded-for'] = resolveClientAddress(socket.remoteAddress, req.headers['x-forwarded-for'], config.trustProxyHops);
    const answer = frontAnswer(req, paths);
    const upload = isUpload(req, paths, uploads);
    finishResponseHead(req, res);
    armDeadline(req, res, upload ? config.media.uploadTimeoutMs : config.requestTimeoutMs, () => {
      if (!res.headersSent) void sendOnSocket(socket, transportProblem(Object.assign(new Error('request timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }), upload));
      else socket.destroy();
    });
    if (!answer) return void compress(req, res, () => void handle(req, res));
    req.resume();
    void send(res, answer);
  };

  const server = createServer(
    {
      headersTimeout: config.headersTimeoutMs,
      // The longest any request may take (an upload's); armDeadline() holds the others to theirs.
      requestTimeout: Math.max(config.requestTimeoutMs, config.media.uploadTimeoutMs),
      // Node looks for expired requests this often (30 s by default): the bound is the timeout plus this.
      connectionsCheckingInterval: 1000,
      // Answered by frontAnswer() as a problem instead of Node's bare 400.
      requireHostHeader: false,
      // Folio offers no other protocol (no WebSocket): a request asking to switch is answered as
      // the request it also is (RFC 9110 §7.8 lets a server ignore Upgrade). Otherwise it reaches
      // Next.js's upgrade listener (added on the first request), which closed it without an
      // answer — or, under /_next/, held it open for good, and a shutdown waited its whole grace.
      shouldUpgradeCallback: () => false,
    },
    onRequest,
  );
  // An expectation other than 100-continue is ignored, as RFC 9110 §10.1.1 allows, rather than
  // answered with Node's bare 417.
  server.on('checkExpectation', onRequest);
  server.on('connect', (req: IncomingMessage, socket: Duplex) => void sendOnSocket(socket, frontAnswer(req, paths)!));
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (socket.writable && !inFlight.get(socket)?.headersSent) void sendOnSocket(socket, transportProblem(error));
    else socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(options.port, options.hostname, resolve));
  return { server, app };
}

if (import.meta.main) {
  const { port, host: hostname } = config;
  const { server, app } = await startServer({ port, hostname });
  shutDownOnSignals({ server, graceMs: config.shutdownGraceMs, closeApp: () => app.close() });
  console.log(`Folio listening on http://${hostname}:${port} (docs: /api/docs)`);
}
