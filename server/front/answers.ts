import type { IncomingMessage } from 'node:http';
import { SENT_ONCE } from '../../contracts/shared/errors.ts';
import { config } from '../config.ts';
import { nothingAt } from '../http/not-found.ts';
import { newRequestId, problem } from '../http/problem.ts';
import { findPath, type DocumentedPath } from './documented-paths.ts';
import { pathOf, undecodable } from './request-target.ts';

/** Methods Next.js routes. It cannot build a Request for TRACE or CONNECT, and routes no extension method (QUERY). */
const ROUTED = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export type FrontRequest = Pick<IncomingMessage, 'method' | 'url' | 'httpVersion' | 'headers'> & Partial<Pick<IncomingMessage, 'rawHeaders'>>;

/** The fields a request may carry once (contracts/shared/errors.ts), by their lower-case names. */
const ONCE = new Map(SENT_ONCE.map((name) => [name.toLowerCase(), name]));

/** The first field of `ONCE` the request repeats. */
function repeated(rawHeaders: readonly string[] = []): string | undefined {
  const seen = new Set<string>();
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    if (!ONCE.has(name)) continue;
    if (seen.has(name)) return ONCE.get(name);
    seen.add(name);
  }
  return undefined;
}

/**
 * A path (`raw`, as sent, without its query) under /api that Next.js would redirect (308, even a POST) to another: a trailing or
 * doubled slash, a backslash, or a dot segment (`%2e%2e` too). Each resource has one path: the others are 404.
 */
function redirectedByNext(raw: string, pathname: string): boolean {
  if (!raw.startsWith('/api/') && !raw.startsWith('//') && !pathname.startsWith('/api/')) return false;
  return raw.endsWith('/') || raw.includes('//') || raw.includes('\\') || raw.split('/').some((segment) => /^(?:\.|%2e){1,2}$/i.test(segment));
}

/**
 * The answer the front server gives a request itself, or `undefined` to hand it to Next.js, which
 * would answer these with a text/plain 500 before any route code runs (Node, with a bare 400 for
 * a missing Host). They get the problems the routes send:
 * - an HTTP/1.1 request without Host, or with a field of SENT_ONCE twice, and
 *   `OPTIONS *` (Folio answers OPTIONS per path) → 400;
 * - a path under /api that Next.js would redirect elsewhere (a trailing slash, `//`, `..`) → 404;
 * - a method Next.js cannot route → 405 with `Allow` on a documented path, 404 elsewhere;
 * - a path that is not valid percent-encoding → on a documented path, the 400 its operations
 *   declare for a bad path parameter (405 for a method it does not allow), else 404.
 */
export function frontAnswer(req: FrontRequest, paths: DocumentedPath[]): Response | undefined {
  const { method = '', url: target = '/' } = req;
  if (req.httpVersion === '1.1' && !req.headers.host) {
    return problem('bad_request', newRequestId(), { detail: 'An HTTP/1.1 request must send a Host header.' });
  }
  if (target === '*') {
    return problem('bad_request', newRequestId(), {
      detail: `${method} * (asterisk-form) is not served; ask OPTIONS of a path for the methods it allows.`,
    });
  }
  const twice = repeated(req.rawHeaders);
  if (twice) return problem('bad_request', newRequestId(), { detail: `The request sends ${twice} more than once; send it once.` });
  const pathname = pathOf(target);
  const raw = target.split('?', 1)[0]!;
  if (redirectedByNext(raw, pathname)) return nothingAt(raw);
  const malformed = pathname.split('/').some(undecodable);
  if (ROUTED.has(method) && !malformed) return undefined;

  const found = findPath(paths, pathname);
  if (!found) return nothingAt(pathname);
  const allow = found.path.allow.join(', ');
  if (!found.path.allow.includes(method)) {
    return problem('method_not_allowed', newRequestId(), {
      detail: `${method} is not supported here; use ${allow}.`,
      headers: { Allow: allow },
    });
  }
  // Literal segments of a template never hold a `%`, so what does not decode is a path parameter.
  const errors = Object.entries(found.params)
    .filter(([, value]) => undecodable(value))
    .map(([name]) => ({ pointer: `/params/${name}`, message: 'Not valid percent-encoded UTF-8.' }));
  const noun = errors.length === 1 ? 'issue' : 'issues';
  return problem('validation_failed', newRequestId(), { detail: `The request has ${errors.length} ${noun}; see errors.`, errors });
}

const seconds = (ms: number) => `${ms / 1000} s`;

/**
 * The answer to a request Node's HTTP parser refused or timed out (the server's `clientError`):
 * 408 when it did not arrive within FOLIO_HEADERS_TIMEOUT_MS / FOLIO_REQUEST_TIMEOUT_MS, otherwise
 * 400 — not HTTP/1.1, a method Node does not know (TRACK), a header section over Node's limit.
 */
export function transportProblem(error: NodeJS.ErrnoException, upload = false): Response {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    const whole = upload ? `an upload ${seconds(config.media.uploadTimeoutMs)}` : `all of it ${seconds(config.requestTimeoutMs)}`;
    return problem('request_timeout', newRequestId(), {
      detail: `The request did not arrive in time: its headers are awaited ${seconds(config.headersTimeoutMs)}, ${whole}.`,
    });
  }
  const detail = error.code === 'HPE_HEADER_OVERFLOW' ? 'The header section of the request is too large.' : 'The request is not valid HTTP/1.1.';
  return problem('bad_request', newRequestId(), { detail });
}
