/**
 * `npm start`: Next.js behind a small Node server. Node's fetch layer refuses to build a Request
 * for TRACE, TRACK or CONNECT, so Next.js answers them 500 before any route code runs; QUERY and
 * other extension methods reach no route either. This server answers every method Next.js cannot
 * route with the same problems the routes send — 405 with `Allow` on a documented path, 404
 * elsewhere — and hands everything else to Next.js. It reads `Allow` from the committed document.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
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

export async function startServer(options: { port: number; hostname: string; dir?: string }) {
  const paths = documentedPaths();
  const app = next({ dev: false, dir: options.dir ?? process.cwd(), hostname: options.hostname, port: options.port });
  const handle = app.getRequestHandler();
  await app.prepare();

  const refuse = (req: IncomingMessage, res: ServerResponse) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    const entry = paths.find((p) => p.pattern.test(pathname));
    const requestId = newRequestId();
    const response = entry
      ? problem('method_not_allowed', requestId, {
          detail: `${req.method} is not supported here; use ${entry.allow}.`,
          headers: { Allow: entry.allow },
        })
      : problem('not_found', requestId, { detail: `Nothing is at ${pathname}.` });
    req.resume();
    return send(res, response);
  };

  const server = createServer((req, res) => {
    if (!ROUTED.has(req.method ?? '')) return void refuse(req, res);
    void handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(options.port, options.hostname, resolve));
  return server;
}

if (import.meta.main) {
  const port = Number(process.env.PORT ?? 3000);
  const hostname = process.env.FOLIO_HOST ?? '127.0.0.1';
  await startServer({ port, hostname });
  console.log(`Folio listening on http://${hostname}:${port} (docs: /api/docs)`);
}
