/**
 * `npm start`: Next.js behind a small Node server. Node's fetch layer refuses to build a Request
 * for TRACE, TRACK or CONNECT, so Next.js answers them 500 before any route code runs; QUERY and
 * other extension methods reach no route either. This server answers every method Next.js cannot
 * route with the same problems the routes send — 405 with `Allow` on a documented path, 404
 * elsewhere — and hands everything else to Next.js. It reads `Allow` from the committed document.
 * (Methods Node's HTTP parser does not know at all, such as TRACK, are refused by Node with 400
 * before any JavaScript runs.)
 */
import { readFileSync } from 'node:fs';
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import next from 'next';
import { newRequestId, problem } from './http/problem.ts';

const ROUTED = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

interface PathEntry {
  pattern: RegExp;
  allow: string;
}

function documentedPaths(): PathEntry[] {
  const document = JSON.parse(readFileSync(new URL('../openapi.json', import.meta.url), 'utf8')) as {
    paths: Record<string, Record<string, unknown>>;
  };
  return Object.entries(document.paths).map(([template, item]) => {
    const methods = Object.keys(item).map((m) => m.toUpperCase());
    return {
      pattern: new RegExp(`^${template.replace(/\{[^}/]+\}/g, '[^/]+')}$`),
      allow: [...methods, ...(methods.includes('GET') ? ['HEAD'] : []), 'OPTIONS'].join(', '),
    };
  });
}

async function send(res: ServerResponse, response: Response) {
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
}

/** CONNECT never becomes a request event (Node hands over the raw socket), so the answer is written by hand. */
async function sendOnSocket(socket: Duplex, response: Response) {
  const body = Buffer.from(await response.arrayBuffer());
  const head = [`HTTP/1.1 ${response.status} ${STATUS_CODES[response.status]}`];
  for (const [name, value] of response.headers) head.push(`${name}: ${value}`);
  head.push(`content-length: ${body.length}`, 'connection: close', '', '');
  socket.end(Buffer.concat([Buffer.from(head.join('\r\n')), body]));
}

export async function startServer(options: { port: number; hostname: string; dir?: string }) {
  const paths = documentedPaths();
  const app = next({ dev: false, dir: options.dir ?? process.cwd(), hostname: options.hostname, port: options.port });
  const handle = app.getRequestHandler();
  await app.prepare();

  const refusal = (req: IncomingMessage): Response => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    const entry = paths.find((p) => p.pattern.test(pathname));
    const requestId = newRequestId();
    return entry
      ? problem('method_not_allowed', requestId, {
          detail: `${req.method} is not supported here; use ${entry.allow}.`,
          headers: { Allow: entry.allow },
        })
      : problem('not_found', requestId, { detail: `Nothing is at ${pathname}.` });
  };

  // Rate limits key anonymous callers by address. Unless a trusted proxy in front sets it,
  // X-Forwarded-For is whatever the client claims, so it is replaced by the socket's address.
  const trustProxy = process.env.FOLIO_TRUST_PROXY === 'true';
  const server = createServer((req, res) => {
    if (!trustProxy) req.headers['x-forwarded-for'] = req.socket.remoteAddress ?? 'unknown';
    if (ROUTED.has(req.method ?? '')) return void handle(req, res);
    req.resume();
    void send(res, refusal(req));
  });
  server.on('connect', (req: IncomingMessage, socket: Duplex) => void sendOnSocket(socket, refusal(req)));
  await new Promise<void>((resolve) => server.listen(options.port, options.hostname, resolve));
  return server;
}

if (import.meta.main) {
  const port = Number(process.env.PORT ?? 3000);
  const hostname = process.env.FOLIO_HOST ?? '127.0.0.1';
  await startServer({ port, hostname });
  console.log(`Folio listening on http://${hostname}:${port} (docs: /api/docs)`);
}
