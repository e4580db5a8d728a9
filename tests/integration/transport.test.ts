/**
 * What the front server (server/start.ts) handles before any route: request targets Next.js
 * cannot route (malformed percent-encoding, `OPTIONS *`, absolute-form), the security headers of
 * every response, the client address behind trusted proxies, and requests that stall.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { operations } from '../../contracts/index.ts';
import { expandPath, operationErrors, type OperationSpec } from '../../contracts/operation.ts';
import { SCOPES } from '../../contracts/shared/auth.ts';
import { Problem } from '../../contracts/shared/problem.ts';
import { SECURITY_HEADERS } from '../../server/http/security-headers.ts';
import { expectConforms, send } from '../support/contract-assertions.ts';
import { ABSENT, absentPath } from '../support/fixtures.ts';
import { ADMIN, databaseKinds, startFolio, type RunningFolio } from '../support/folio-server.ts';
import { issueToken, signUp } from '../support/identity.ts';

const servers = inject('servers');
const all = operations as readonly OperationSpec[];
const SAMPLE_IDS = ABSENT;
const withParams = all.filter((op) => op.path.includes('{'));
const paramNames = (template: string) => [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);

interface RawResponse {
  status: number;
  headers: Record<string, string | undefined>;
  body: string;
}

/**
 * node:http with the request target exactly as given: absolute-form and asterisk-form included.
 * `bytes` is the body as it came (still compressed, if it was); `body`, those bytes as UTF-8.
 */
async function exchange(baseUrl: string, method: string, target: string, headers: Record<string, string> = {}): Promise<RawResponse & { bytes: Buffer }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, method, path: target, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const bytes = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers as Record<string, string | undefined>, bytes, body: bytes.toString('utf8') });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Writes `text` on a new connection and never more; resolves when the server closes it, with what
 * it answered and how long that took, or after `limitMs` with `closedAfterMs` undefined.
 */
async function stall(baseUrl: string, text: string, limitMs: number): Promise<{ closedAfterMs?: number; response: RawResponse | undefined }> {
  const { hostname, port } = new URL(baseUrl);
  const socket = connect(Number(port), hostname);
  const started = Date.now();
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.write(text);
  const closed = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), limitMs);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
    socket.on('error', () => undefined);
  });
  const closedAfterMs = closed ? Date.now() - started : undefined;
  socket.destroy();
  return { closedAfterMs, response: parseWhole(chunks) };
}

/** The one answer a connection carried, from all it received (undefined when nothing came). */
function parseWhole(chunks: Buffer[]): RawResponse | undefined {
  const raw = Buffer.concat(chunks).toString('utf8');
  if (!raw) return undefined;
  const [head = '', body = ''] = raw.split('\r\n\r\n', 2);
  return { ...parseHead(head), body };
}

/** A body far over every limit, sent whole: 16 MiB. */
const LARGE = Buffer.alloc(16 * 1024 * 1024, 'y');

const postHead = (authorization: string, framing: string) =>
  `POST /api/v1/posts HTTP/1.1\r\nHost: x\r\nAuthorization: ${authorization}\r\nContent-Type: application/json\r\n${framing}\r\n\r\n`;

/**
 * Writes all of `bytes` on a new connection, reading as it goes; resolves once the connection
 * closes, with the answer and any socket error (EPIPE, ECONNRESET) the client met.
 */
async function sendWhole(baseUrl: string, bytes: Buffer): Promise<{ response: RawResponse | undefined; error: string | undefined }> {
  const { hostname, port } = new URL(baseUrl);
  const socket = connect(Number(port), hostname);
  const chunks: Buffer[] = [];
  let error: string | undefined;
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', (e: NodeJS.ErrnoException) => (error ??= e.code ?? e.message));
  socket.write(bytes);
  await new Promise((resolve) => socket.on('close', resolve));
  return { response: parseWhole(chunks), error };
}

/** A response's status line and header fields (names in lower case). */
function parseHead(head: string): Omit<RawResponse, 'body'> {
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
  return { status: Number(statusLine.split(' ')[1]), headers };
}

/** Reads responses from a connection kept open, one at a time, as they arrive (Content-Length or chunked bodies). */
function responses(socket: Socket): () => Promise<RawResponse> {
  let raw = Buffer.alloc(0);
  let wake: (() => void) | undefined;
  socket.on('data', (chunk: Buffer) => {
    raw = Buffer.concat([raw, chunk]);
    wake?.();
  });
  const parse = (): RawResponse | undefined => {
    const end = raw.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const { status, headers } = parseHead(raw.subarray(0, end).toString('latin1'));
    let body = '';
    let rest = raw.subarray(end + 4);
    if (headers['transfer-encoding'] === 'chunked') {
      for (;;) {
        const line = rest.indexOf('\r\n');
        if (line < 0) return undefined;
        const size = parseInt(rest.subarray(0, line).toString('latin1'), 16);
        if (rest.length < line + 2 + size + 2) return undefined;
        body += rest.subarray(line + 2, line + 2 + size).toString('utf8');
        rest = rest.subarray(line + 2 + size + 2);
        if (size === 0) break;
      }
    } else {
      const length = Number(headers['content-length'] ?? 0);
      if (rest.length < length) return undefined;
      body = rest.subarray(0, length).toString('utf8');
      rest = rest.subarray(length);
    }
    raw = rest;
    return { status, headers, body };
  };
  return async () => {
    for (;;) {
      const response = parse();
      if (response) return response;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  };
}

function headerOf(res: RawResponse | Awaited<ReturnType<typeof send>>, name: string): string | null | undefined {
  return res.headers instanceof Headers ? res.headers.get(name) : res.headers[name.toLowerCase()];
}

function expectSecurityHeaders(res: RawResponse | Awaited<ReturnType<typeof send>>, what: string) {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(headerOf(res, name), `${what}: ${name}`).toBe(value);
}

/** A problem (contracts/shared/problem.ts) that is not cached and names its request. */
function expectProblem(res: RawResponse, status: number, code: string) {
  expect(res.status, res.body).toBe(status);
  expect(res.headers['content-type']).toBe('application/problem+json');
  expect(res.headers['cache-control']).toBe('no-store');
  expectSecurityHeaders(res, `${status} ${code}`);
  const parsed = Problem.safeParse(JSON.parse(res.body));
  expect(parsed.success, `${parsed.error?.message}: ${res.body}`).toBe(true);
  expect(parsed.data).toMatchObject({ status, code, request_id: res.headers['x-request-id'] });
  expect(res.headers['x-request-id']).toMatch(/^req_[0-9a-f]{32}$/);
}

describe.each(servers)('transport on $kind', ({ baseUrl }) => {
  describe('a path that is not valid percent-encoding', () => {
    it.each(withParams.map((op) => [op.operationId, op] as const))(
      '%s: every path parameter as %%ff → its documented 400, one issue per parameter',
      async (_, op) => {
        const res = await send(baseUrl, op.path.replace(/\{\w+\}/g, '%ff'), { method: op.method.toUpperCase() });
        expectConforms(op, res);
        expect(res.status, res.text).toBe(400);
        expect(res.headers.get('cache-control')).toBe('no-store');
        expect(res.body).toMatchObject({ code: 'validation_failed' });
        const pointers = (res.body as { errors: { pointer: string }[] }).errors.map((issue) => issue.pointer);
        expect(pointers).toEqual(paramNames(op.path).map((name) => `/params/${name}`));
      },
    );

    it.each(['%', '%e2%82', '%c0%ae', '%ff%fe'])('GET /api/v1/users/%s → 400 at /params/username', async (segment) => {
      const op = all.find((o) => o.operationId === 'getUser')!;
      const res = await send(baseUrl, `/api/v1/users/${segment}`);
      expectConforms(op, res);
      expect(res.status, res.text).toBe(400);
      expect((res.body as { errors: unknown[] }).errors).toEqual([{ pointer: '/params/username', message: expect.any(String) }]);
    });

    it('only the parameter that does not decode is reported', async () => {
      const res = await send(baseUrl, `/api/v1/posts/${SAMPLE_IDS.postId}/comments/%ff`);
      expect(res.status, res.text).toBe(400);
      expect((res.body as { errors: { pointer: string }[] }).errors.map((issue) => issue.pointer)).toEqual(['/params/commentId']);
    });

    it('a method the path does not allow → 405 with Allow, as for any other path parameter', async () => {
      const res = await exchange(baseUrl, 'PUT', '/api/v1/posts/%ff');
      expectProblem(res, 405, 'method_not_allowed');
      expect(res.headers['allow']).toBe('GET, PATCH, DELETE, HEAD, OPTIONS');
    });

    it('HEAD → the same 400, without a body', async () => {
      const res = await exchange(baseUrl, 'HEAD', '/api/v1/posts/%ff');
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toBe('application/problem+json');
      expect(res.body).toBe('');
    });

    it.each(['/api/docs/%ff', '/api/v1/%ff', '/api/v1/posts/%ff/nothing', '/%ff', '/api/openapi.json/%'])(
      'GET %s (no documented path) → 404 problem',
      async (path) => {
        expectProblem(await exchange(baseUrl, 'GET', path), 404, 'not_found');
      },
    );
  });

  it.each(['OPTIONS', 'GET'])('%s * (asterisk-form) → 400 problem', async (method) => {
    expectProblem(await exchange(baseUrl, method, '*'), 400, 'bad_request');
  });

  describe('what Node alone would answer with a bare status', () => {
    it('a method its parser does not know (TRACK) → 400 problem', async () => {
      expectProblem(await exchange(baseUrl, 'TRACK', '/api/v1/posts'), 400, 'bad_request');
    });

    it('a header section over its limit → 400 problem (not a bare 431)', async () => {
      const { response } = await stall(baseUrl, `GET /api/v1/posts HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 5000);
      expectProblem(response!, 400, 'bad_request');
    });

    it('an HTTP/1.1 request without Host → 400 problem', async () => {
      const { response } = await stall(baseUrl, 'GET /api/v1/posts HTTP/1.1\r\nConnection: close\r\n\r\n', 5000);
      expectProblem(response!, 400, 'bad_request');
    });

    it.each([
      ['Host', 'Host: a\r\nHost: b\r\n'],
      ['Authorization', 'Host: x\r\nAuthorization: Bearer folio_a\r\nauthorization: Bearer folio_b\r\n'],
      ['Content-Type', 'Host: x\r\nContent-Type: application/json\r\nContent-Type: text/plain\r\n'],
    ])('%s sent twice → 400 problem (Node alone keeps the first, silently)', async (name, headers) => {
      const { response } = await stall(baseUrl, `POST /api/v1/posts HTTP/1.1\r\n${headers}Content-Length: 2\r\nConnection: close\r\n\r\n{}`, 5000);
      expectProblem(response!, 400, 'bad_request');
      expect(JSON.parse(response!.body).detail).toContain(name);
    });

    it('Host, Authorization and Content-Type once each, other fields repeated: served', async () => {
      const { response } = await stall(baseUrl, 'GET /api/v1/tags HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\nAccept: */*\r\nConnection: close\r\n\r\n', 5000);
      expect(response!.status, response!.body).toBe(200);
    });

    // Folio switches to no other protocol: the request is answered as what it also is (RFC 9110
    // §7.8). Next.js's own upgrade listener used to take it: closed without an answer on every
    // path, and held open for good under /_next/ (a shutdown then waited its whole grace).
    it.each([
      ['/api/v1/tags', 200],
      ['/_next/webpack-hmr', 404],
    ])('a request to switch protocols (Upgrade: websocket) on %s is answered like any other: %i', async (path, status) => {
      const { closedAfterMs, response } = await stall(baseUrl, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, close\r\nUpgrade: websocket\r\n\r\n`, 5000);
      expect(response?.status, response?.body).toBe(status);
      expect(closedAfterMs).toBeDefined();
    });

    it('a request to switch protocols from an HTTP client (node:http) gets the JSON and the security headers', async () => {
      const upgrade = { Connection: 'Upgrade', Upgrade: 'websocket' };
      const res = await exchange(baseUrl, 'GET', '/api/v1/tags', upgrade);
      expect(res.status, res.body).toBe(200);
      expectSecurityHeaders(res, 'Upgrade');
    });

    it('an expectation other than 100-continue is ignored (not a bare 417)', async () => {
      const res = await exchange(baseUrl, 'GET', '/api/v1/tags', { Expect: 'something-else' });
      expect(res.status, res.body).toBe(200);
      expectSecurityHeaders(res, 'Expect');
    });
  });

  describe('a path Next.js would redirect to another', () => {
    it.each([
      ['POST', '/api/v1/users/'],
      ['GET', '/api/v1/posts/'],
      ['GET', '/api/v1/posts//'],
      ['GET', '//api/v1/posts'],
      ['GET', '/api/v1/posts/%2e%2e'],
      ['GET', '/api/v1/posts/./'],
      ['GET', '/api/docs/'],
      ['DELETE', '/api/v1/me/?x=1'],
      ['GET', '/api\\v1\\posts'],
      ['POST', '/api/v1/posts\\'],
    ])('%s %s → 404 problem, not a redirect', async (method, target) => {
      const res = await exchange(baseUrl, method, target, method === 'POST' ? { 'Content-Type': 'application/json' } : {});
      expectProblem(res, 404, 'not_found');
      expect(res.headers['location']).toBeUndefined();
      expect(JSON.parse(res.body).detail).toContain(target.split('?')[0]);
    });
  });

  describe('the document and its reference', () => {
    it.each(['/api/openapi.json', '/api/docs', '/api/docs/scalar.js'])('%s: a method other than GET or HEAD → 405 problem with Allow', async (path) => {
      for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
        const res = await exchange(baseUrl, method, path);
        expectProblem(res, 405, 'method_not_allowed');
        expect(res.headers['allow']).toBe('GET, HEAD, OPTIONS');
      }
      const options = await exchange(baseUrl, 'OPTIONS', path);
      expect(options.status).toBe(204);
      expect(options.headers['allow']).toBe('GET, HEAD, OPTIONS');
      const head = await exchange(baseUrl, 'HEAD', path);
      expect(head.status).toBe(200);
      expect(head.body).toBe('');
    });
  });

  describe('absolute-form request target', () => {
    it('is served as its path, never redirected to the host it names', async () => {
      const res = await exchange(baseUrl, 'GET', 'http://other.example/api/v1/posts?limit=1');
      expect(res.status, res.body).toBe(200);
      expect(res.headers['location']).toBeUndefined();
      expect(JSON.parse(res.body)).toMatchObject({ data: expect.any(Array), has_more: expect.any(Boolean) });
    });

    it.each(['https://other.example', 'http://other.example?x=1', 'http://other.example:8080/api/docs/', 'HTTP://Other.Example//api/v1/posts'])(
      'GET %s → no Location to another host',
      async (target) => {
        const res = await exchange(baseUrl, 'GET', target);
        expect(res.status).toBeLessThan(500);
        const location = res.headers['location'];
        if (location) expect(new URL(location, baseUrl).origin, location).toBe(new URL(baseUrl).origin);
      },
    );

    it('works for other methods too: OPTIONS lists the path’s methods', async () => {
      const res = await exchange(baseUrl, 'OPTIONS', 'http://other.example/api/v1/posts');
      expect(res.status).toBe(204);
      expect(res.headers['allow']).toBe('GET, POST, HEAD, OPTIONS');
    });
  });

  describe('an answer before the body was read (an upload with a bad token)', () => {
    const head = (length: number) =>
      `POST /api/v1/media HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer folio_short\r\n` +
      `Content-Type: multipart/form-data; boundary=b\r\nContent-Length: ${length}\r\n\r\n`;

    it('a small rest is read and dropped: the client may send it after the answer, and the connection serves the next request', async () => {
      const { hostname, port } = new URL(baseUrl);
      const socket = connect(Number(port), hostname);
      const nextResponse = responses(socket);
      try {
        const body = Buffer.alloc(256 * 1024, 'a');
        socket.write(head(body.length));
        const early = await nextResponse();
        expect(early.status, early.body).toBe(401);
        expect(early.headers.connection).not.toBe('close');
        // Sent after the answer: no reset under the client (the EPIPE a closed connection gives it).
        socket.write(body);
        socket.write('GET /api/health/live HTTP/1.1\r\nHost: x\r\n\r\n');
        const next = await nextResponse();
        expect(next.status, next.body).toBe(200);
      } finally {
        socket.destroy();
      }
    });

    it.each([
      ['an upload with a bad token (401)', () => [head(LARGE.length), LARGE], 401],
      ['a post over the body limit, declared (413)', (auth: string) => [postHead(auth, `Content-Length: ${LARGE.length}`), LARGE], 413],
      ['a post over the body limit, chunked (413)', (auth: string) => [postHead(auth, 'Transfer-Encoding: chunked'), `${LARGE.length.toString(16)}\r\n`, LARGE, '\r\n0\r\n\r\n'], 413],
    ])('a large rest still being sent: %s is read by the client, then the connection closes (no reset under it)', async (_, request, status) => {
      const parts = request((await signUp(baseUrl)).auth.Authorization);
      // Before the lingering close, Node destroyed the socket as soon as the answer was written: the
      // kernel answered the body still arriving with a reset, and the client lost the unread answer.
      for (let round = 0; round < 3; round++) {
        const { response, error } = await sendWhole(baseUrl, Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : part))));
        expect(error, `round ${round}`).toBeUndefined();
        expect(response?.status, response?.body).toBe(status);
        expect(response?.headers.connection).toBe('close');
      }
    });

    it('a large one is not worth reading: Connection: close, and the connection is closed', async () => {
      const { closedAfterMs, response } = await stall(baseUrl, head(64 * 1024 * 1024), 10_000);
      expect(response?.status, response?.body).toBe(401);
      expect(response?.headers.connection).toBe('close');
      expect(closedAfterMs).toBeDefined();
    });
  });

  describe('compression', () => {
    // The committed document as served (server/http/document.ts): a large body whose bytes do not change.
    const documentBytes = Buffer.from(JSON.stringify(JSON.parse(readFileSync('openapi.json', 'utf8'))));

    it('gzip at level 1 when the client accepts it: the document, as gzip level 1 makes it, not Next.js’s level 6', async () => {
      const res = await exchange(baseUrl, 'GET', '/api/openapi.json', { 'accept-encoding': 'gzip, deflate' });
      expect(res.status).toBe(200);
      expect(res.headers['content-encoding']).toBe('gzip');
      expect(res.headers.vary).toMatch(/accept-encoding/i);
      expect(gunzipSync(res.bytes).equals(documentBytes)).toBe(true);
      // 41.8 KB at level 1, 34.4 KB at level 6 (a few bytes more: Next.js flushes as it writes).
      expect(res.bytes.length).toBeGreaterThanOrEqual(gzipSync(documentBytes, { level: 1 }).length);
      expect(res.bytes.length).toBeLessThan(gzipSync(documentBytes, { level: 1 }).length + 100);
    });

    it('brotli when the client prefers it, and no coding when it accepts none', async () => {
      const br = await exchange(baseUrl, 'GET', '/api/openapi.json', { 'accept-encoding': 'br, gzip' });
      expect(br.headers['content-encoding']).toBe('br');
      expect(brotliDecompressSync(br.bytes).equals(documentBytes)).toBe(true);
      const plain = await exchange(baseUrl, 'GET', '/api/openapi.json');
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.bytes.equals(documentBytes)).toBe(true);
    });

    it('an API response is compressed too, and keeps its headers: Cache-Control, the request id, the rate limit', async () => {
      const res = await exchange(baseUrl, 'GET', '/api/v1/posts?limit=5', { 'accept-encoding': 'gzip' });
      expect(res.status).toBe(200);
      expect(res.headers['content-encoding']).toBe('gzip');
      expect(res.headers['cache-control']).toMatch(/public/);
      expect(res.headers['ratelimit-policy']).toBeTruthy();
      expect(res.headers['x-request-id']).toMatch(/^req_/);
      expect(JSON.parse(gunzipSync(res.bytes).toString('utf8'))).toHaveProperty('data');
    });
  });

  describe('a compressed representation’s own ETag', () => {
    it('gzip and br have tags of their own, the identity’s with the coding; each one revalidates (304 naming it)', async () => {
      const plain = await exchange(baseUrl, 'GET', '/api/openapi.json');
      const identity = plain.headers.etag!;
      expect(identity).toMatch(/^"[A-Za-z0-9_-]+"$/);
      for (const coding of ['gzip', 'br']) {
        const coded = await exchange(baseUrl, 'GET', '/api/openapi.json', { 'accept-encoding': coding });
        expect(coded.headers['content-encoding']).toBe(coding);
        expect(coded.headers.etag).toBe(identity.replace(/"$/, `.${coding}"`));
        const again = await exchange(baseUrl, 'GET', '/api/openapi.json', { 'accept-encoding': coding, 'if-none-match': coded.headers.etag! });
        expect(again.status).toBe(304);
        expect(again.headers.etag).toBe(coded.headers.etag);
        // …and the Vary of the 200 it stands for: a cache refreshing its copy from the 304 must
        // still key the coded body on Accept-Encoding.
        expect(coded.headers.vary).toMatch(/Accept-Encoding/i);
        expect(again.headers.vary).toBe(coded.headers.vary);
      }
      const revalidated = await exchange(baseUrl, 'GET', '/api/openapi.json', { 'if-none-match': identity });
      expect(revalidated.status).toBe(304);
      expect(revalidated.headers.etag).toBe(identity);
      expect(revalidated.headers.vary).toBe(plain.headers.vary);
      // A gzip tag names nothing a client without gzip would get: the whole document, not a 304 (a cache would serve it gzip).
      const gzipTag = identity.replace(/"$/, '.gzip"');
      const unreadable = await exchange(baseUrl, 'GET', '/api/openapi.json', { 'accept-encoding': 'identity', 'if-none-match': gzipTag });
      expect(unreadable.status).toBe(200);
      expect(unreadable.headers.etag).toBe(identity);
    });

    it('a page keeps the tag Next.js gives it, and so its 304 (Next.js compares tags itself)', async () => {
      const page = await exchange(baseUrl, 'GET', '/problems/bad_request', { 'accept-encoding': 'gzip' });
      expect(page.status).toBe(200);
      expect(page.headers['content-encoding']).toBe('gzip');
      const tag = page.headers.etag!;
      expect(tag).toMatch(/^"[^"]+"$/);
      expect(tag).not.toMatch(/\.gzip"$/);
      const again = await exchange(baseUrl, 'GET', '/problems/bad_request', { 'accept-encoding': 'gzip', 'if-none-match': tag });
      expect(again.status).toBe(304);
    });

    it('If-Match takes a compressed answer’s tag (strongly: never its weak form)', async () => {
      const owner = await signUp(baseUrl);
      const created = await send(baseUrl, '/api/v1/posts', { method: 'POST', headers: owner.auth, json: { title: 'Coded tag', body: 'long enough to compress. '.repeat(100) } });
      expect(created.status, created.text).toBe(201);
      const path = `/api/v1/posts/${(created.body as { id: string }).id}`;
      const read = await exchange(baseUrl, 'GET', path, { ...owner.auth, 'accept-encoding': 'gzip' });
      expect(read.headers['content-encoding']).toBe('gzip');
      const tag = read.headers.etag!;
      expect(tag).toMatch(/\.gzip"$/);
      const weak = await send(baseUrl, path, { method: 'PATCH', headers: { ...owner.auth, 'If-Match': `W/${tag}` }, json: { title: 'Refused' } });
      expect(weak.status, weak.text).toBe(412);
      const updated = await send(baseUrl, path, { method: 'PATCH', headers: { ...owner.auth, 'If-Match': tag }, json: { title: 'Changed' } });
      expect(updated.status, updated.text).toBe(200);
      const stale = await send(baseUrl, path, { method: 'PATCH', headers: { ...owner.auth, 'If-Match': tag }, json: { title: 'Again' } });
      expect(stale.status, stale.text).toBe(412);
    });
  });

  describe('Vary', () => {
    it('an API response varies on what it depends on, not on the request headers of Next.js’s client router', async () => {
      const read = await exchange(baseUrl, 'GET', '/api/v1/posts?limit=1', { 'accept-encoding': 'gzip' });
      expect(read.headers.vary).toBe('Authorization, Accept, Accept-Encoding');
      const document = await exchange(baseUrl, 'GET', '/api/openapi.json', { 'accept-encoding': 'gzip' });
      expect(document.headers.vary).toBe('Accept-Encoding');
      const problem = await exchange(baseUrl, 'GET', '/api/v1/nothing');
      expect(problem.headers.vary ?? '').not.toMatch(/rsc|next-router/i);
    });

    it('a page keeps the router’s (it serves RSC payloads)', async () => {
      const page = await exchange(baseUrl, 'GET', '/');
      expect(page.headers.vary).toMatch(/rsc/i);
    });
  });

  describe('security headers', () => {
    it.each(all.map((op) => [op.operationId, op] as const))('%s: every response carries them', async (_, op) => {
      const res = await send(baseUrl, expandPath(op.path, SAMPLE_IDS), { method: op.method.toUpperCase() });
      expectConforms(op, res);
      expectSecurityHeaders(res, op.operationId);
    });

    it.each(['/', '/api/docs'])('%s: may be framed by no one, by its Content-Security-Policy', async (path) => {
      const res = await send(baseUrl, path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expectSecurityHeaders(res, path);
      const policy = res.headers.get('content-security-policy');
      expect(policy).toMatch(/(^|; )frame-ancestors 'none'(;|$)/);
      expect(policy).toMatch(/(^|; )default-src 'none'(;|$)/);
    });

    it.each([
      ['a Next.js 404 page', 'GET', '/nothing/here'],
      ['the /api 404 route', 'GET', '/api/v1/nothing'],
      ['the reference’s bundle', 'GET', '/api/docs/scalar.js'],
      ['the document', 'GET', '/api/openapi.json'],
      ['OPTIONS', 'OPTIONS', '/api/v1/posts'],
      ['a 405 of the front server', 'TRACE', '/api/v1/posts'],
      ['a CONNECT, answered on the socket', 'CONNECT', '/api/v1/posts'],
    ])('%s carries them', async (what, method, path) => {
      const res =
        method === 'CONNECT'
          ? await stall(baseUrl, `CONNECT ${path} HTTP/1.1\r\nHost: x\r\n\r\n`, 5000).then(({ response }) => response!)
          : await exchange(baseUrl, method, path);
      expect(res.status).toBeGreaterThan(0);
      expectSecurityHeaders(res, what);
    });
  });
});

// Settings the shared servers do not have: a trusted proxy, small limits and timeouts, who may frame the pages.
describe.each(databaseKinds())('transport settings on %s', (kind) => {
  const HEADERS_TIMEOUT_MS = 1000;
  const REQUEST_TIMEOUT_MS = 2000;
  /** Node looks for expired requests once a second (server/start.ts); the rest is a busy machine. */
  const SLACK_MS = 1000 + 2000;
  let server: RunningFolio;
  beforeAll(async () => {
    server = await startFolio(kind, {
      FOLIO_TRUST_PROXY: 'true',
      FOLIO_RATE_LIMITS: 'read=1000000/60,write=1000000/60,auth=2/600',
      FOLIO_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      FOLIO_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      FOLIO_FRAME_ANCESTORS: "'self' https://partner.example",
    });
  });
  afterAll(async () => server?.stop());

  it('behind a trusted proxy, the address it appended counts: rotating the entries before it does not escape the auth limit', async () => {
    // Three attempts must fall in one 10-minute window.
    const untilNextWindow = 600_000 - (Date.now() % 600_000);
    if (untilNextWindow < 10_000) await new Promise((r) => setTimeout(r, untilNextWindow + 100));
    // A new email each time, so that only the per-address limit is in play (sign-in also counts per email).
    let attempt = 0;
    const signIn = (forwardedFor: string) =>
      send(server.baseUrl, '/api/v1/tokens', {
        method: 'POST',
        headers: { 'X-Forwarded-For': forwardedFor },
        json: { email: `nobody${attempt++}@example.com`, password: 'wrong password' },
      });
    expect((await signIn('203.0.113.1, 198.51.100.7')).status).toBe(401);
    expect((await signIn('203.0.113.2, 198.51.100.7')).status).toBe(401);
    const third = await signIn('203.0.113.3, 198.51.100.7');
    expect(third.status, third.text).toBe(429);
    expect(third.body).toMatchObject({ code: 'rate_limited' });
    // The rightmost entry is the client: another one there is another client, whatever precedes it.
    expect((await signIn('203.0.113.1, 198.51.100.8')).status).toBe(401);
    expect((await signIn('198.51.100.8')).status).toBe(401);
    expect((await signIn('198.51.100.8')).status).toBe(429);
  });

  it('a body shorter than its Content-Length → 408 problem and closed once the request timeout passes', async () => {
    const { closedAfterMs, response } = await stall(
      server.baseUrl,
      'POST /api/v1/users HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 192.0.2.10\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"username":',
      REQUEST_TIMEOUT_MS + SLACK_MS + 5000,
    );
    expect(closedAfterMs, 'the connection is still open').toBeDefined();
    expect(closedAfterMs).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 100);
    expect(closedAfterMs).toBeLessThanOrEqual(REQUEST_TIMEOUT_MS + SLACK_MS);
    expectProblem(response!, 408, 'request_timeout');
    // The route, still reading the body when the connection closed, logs the request it never got
    // as the 408 the client was sent — not as an error of ours.
    let logged: { level: number; status: number } | undefined;
    for (let i = 0; i < 30 && !logged; i++, await new Promise((r) => setTimeout(r, 100))) {
      const line = readFileSync(server.logFile, 'utf8')
        .split('\n')
        .find((l) => l.includes('"operation":"createUser"') && l.includes('"status"'));
      if (line) logged = JSON.parse(line) as { level: number; status: number };
    }
    expect(logged).toMatchObject({ level: 30, status: 408 });
    expect(readFileSync(server.logFile, 'utf8')).not.toContain('"level":50');
  });

  it('every operation with a body: a body that never arrives → its documented 408 problem', async () => {
    const withBody = (operations as readonly OperationSpec[]).filter((op) => op.request?.body);
    expect(withBody.length).toBeGreaterThan(3);
    const { token } = await issueToken(server.baseUrl, ADMIN, { scopes: [...SCOPES] });
    const answers = await Promise.all(
      // Each from its own address: this server's tiny auth budget is per address.
      withBody.map(async (op, n) => {
        const path = absentPath(op);
        const head = `${op.method.toUpperCase()} ${path} HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 192.0.2.${100 + n}\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":`;
        return { op, ...(await stall(server.baseUrl, head, REQUEST_TIMEOUT_MS + SLACK_MS + 5000)) };
      }),
    );
    for (const { op, response } of answers) {
      expect(response, op.operationId).toBeDefined();
      expectProblem(response!, 408, 'request_timeout');
      expect(operationErrors(op).map((e) => e.code), op.operationId).toContain('request_timeout');
    }
  });

  it('a header section that never ends → 408 problem and closed once the headers timeout passes', async () => {
    const { closedAfterMs, response } = await stall(server.baseUrl, 'GET /api/v1/posts HTTP/1.1\r\nHost: x\r\nX-Slow: ', HEADERS_TIMEOUT_MS + SLACK_MS + 5000);
    expect(closedAfterMs, 'the connection is still open').toBeDefined();
    expect(closedAfterMs).toBeLessThanOrEqual(HEADERS_TIMEOUT_MS + SLACK_MS);
    expectProblem(response!, 408, 'request_timeout');
  });

  it.each(['/', '/api/docs'])('%s: FOLIO_FRAME_ANCESTORS says who may frame it', async (path) => {
    const res = await send(server.baseUrl, path);
    expect(res.headers.get('content-security-policy')).toMatch(/(^|; )frame-ancestors 'self' https:\/\/partner\.example(;|$)/);
  });
});
