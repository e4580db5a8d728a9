import { describe, expect, inject, it } from 'vitest';
import { operations } from '../../contracts/index.ts';
import { send } from '../support/contract-assertions.ts';
import { absentPath } from '../support/fixtures.ts';

const servers = inject('servers');
// Schemathesis' probe list plus CONNECT. (TRACK never becomes a request: Node's parser refuses it, and
// the front server answers 400 — tests/integration/transport.test.ts.)
const ALL_METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE', 'QUERY', 'CONNECT'];

/** Each documented path with the methods its contracts declare. */
const paths = [...new Set(operations.map((op) => op.path))].map((template) => ({
  template,
  url: absentPath(operations.find((op) => op.path === template)!),
  methods: operations.filter((op) => op.path === template).map((op) => op.method.toUpperCase()),
}));

describe.each(servers)('HTTP semantics on $kind', ({ baseUrl }) => {
  describe.each(paths)('$template', ({ url, methods }) => {
    const allow = [...methods, ...(methods.includes('GET') ? ['HEAD'] : []), 'OPTIONS'];

    it('OPTIONS → 204 with exactly the documented methods', async () => {
      const res = await send(baseUrl, url, { method: 'OPTIONS' });
      expect(res.status).toBe(204);
      expect(res.headers.get('allow')?.split(', ').sort()).toEqual([...allow].sort());
      expect(res.headers.get('x-request-id')).toMatch(/^req_/);
    });

    it.each(ALL_METHODS.filter((m) => !allow.includes(m)))('%s → 405 problem with Allow', async (method) => {
      const res = await rawRequest(baseUrl, method, url);
      expect(res.status, res.body).toBe(405);
      expect(res.headers['allow']?.split(', ').sort()).toEqual([...allow].sort());
      expect(res.headers['content-type']).toBe('application/problem+json');
      const problem = JSON.parse(res.body) as { code: string; request_id: string };
      expect(problem.code).toBe('method_not_allowed');
      expect(problem.request_id).toBe(res.headers['x-request-id']);
    });
  });

  it('sends the RateLimit headers on every operation response', async () => {
    for (const path of ['/api/v1/posts', '/api/v1/users/nobody', '/api/v1/me', '/api/v1/posts?limit=0']) {
      const res = await send(baseUrl, path);
      expect(res.headers.get('ratelimit-policy'), path).toMatch(/^"read";q=\d+;w=\d+$/);
      expect(res.headers.get('ratelimit'), path).toMatch(/^"read";r=\d+;t=\d+$/);
    }
  });

  it('HEAD answers like GET, without a body', async () => {
    const res = await send(baseUrl, '/api/v1/posts?limit=1', { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    expect(res.headers.get('content-type')).toBe('application/json');
  });

  it.each(['GET', 'POST', 'DELETE', 'TRACE'])('an unknown /api path → 404 problem+json for %s', async (method) => {
    const res = await rawRequest(baseUrl, method, '/api/v1/nothing/here');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(res.body)).toMatchObject({ code: 'not_found', status: 404 });
  });

  it('does not serve the bench’s bare route (only a server `npm run bench` starts does)', async () => {
    const res = await rawRequest(baseUrl, 'GET', '/api/bench/posts/post_01jdq8m4k2c9v7x3n5r6t8w0yz');
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body)).toMatchObject({ code: 'not_found', status: 404 });
  });

  it('serves the committed document and the reference', async () => {
    const doc = await send(baseUrl, '/api/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body).toEqual((await import('../../openapi.json', { with: { type: 'json' } })).default);
    const etag = doc.headers.get('etag')!;
    expect((await send(baseUrl, '/api/openapi.json', { headers: { 'If-None-Match': etag } })).status).toBe(304);
    // The weak comparison over a list, as for every other resource (server/etag.ts noneMatch).
    expect((await send(baseUrl, '/api/openapi.json', { headers: { 'If-None-Match': `"other", W/${etag}` } })).status).toBe(304);
    expect((await send(baseUrl, '/api/openapi.json', { headers: { 'If-None-Match': '"other"' } })).status).toBe(200);
    const docs = await send(baseUrl, '/api/docs');
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-type')).toContain('text/html');
    expect(docs.text).toContain('/api/openapi.json');
    const home = await send(baseUrl, '/');
    expect(home.text).toContain('href="/api/docs"');
  });
});

/** node:http, because fetch refuses TRACE, TRACK and CONNECT — the very methods under test. */
async function rawRequest(baseUrl: string, method: string, path: string) {
  const { request } = await import('node:http');
  return new Promise<{ status: number; headers: Record<string, string | undefined>; body: string }>((resolve, reject) => {
    const req = request(`${baseUrl}${path}`, { method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers as Record<string, string | undefined>, body }),
      );
    });
    // A CONNECT answer arrives as 'connect' (the socket is handed over), its body still on the socket.
    req.on('connect', (res, socket, head) => {
      const chunks: Buffer[] = [Buffer.from(head)];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers as Record<string, string | undefined>,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}
