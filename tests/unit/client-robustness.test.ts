/**
 * @folio/client where the network is not Folio answering well: a caller who cancels while a retry
 * waits, an error page that is not a problem (a proxy's), a 304 with no body, and a base URL under
 * a path prefix. Stub fetches stand in for the server: what is tested is the client alone.
 */
import { describe, expect, it } from 'vitest';
import { ApiError, createClient, isValidationProblem, unwrap } from '@folio/client';
import { within } from '../support/within.ts';

const baseUrl = 'http://folio.invalid';

/** A fetch that answers every request with `answer()` and keeps what it was sent. */
function stub(answer: (request: Request) => Response | Promise<Response>) {
  const sent: Request[] = [];
  const fetcher: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    sent.push(request);
    return answer(request);
  };
  return { sent, fetch: fetcher };
}

describe('@folio/client retries, cancelled', () => {
  it('gives up at once when aborted during a Retry-After wait, without another attempt', async () => {
    const server = stub(() => new Response('{}', { status: 503, headers: { 'Retry-After': '20' } }));
    const client = createClient({ baseUrl, fetch: server.fetch });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const call = client.GET('/api/v1/tags', { signal: controller.signal });
    await expect(within(2000, 'the abort to take effect', call)).rejects.toMatchObject({ name: 'AbortError' });
    expect(server.sent).toHaveLength(1);
  });

  it('does not retry a request its own signal aborted in flight', async () => {
    const server = stub(
      (request) => new Promise<Response>((_, reject) => request.signal.addEventListener('abort', () => reject(request.signal.reason), { once: true })),
    );
    const client = createClient({ baseUrl, fetch: server.fetch, retry: { baseDelayMs: 1 } });
    const call = client.GET('/api/v1/tags', { signal: AbortSignal.timeout(50) });
    await expect(within(2000, 'the timeout to take effect', call)).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(server.sent).toHaveLength(1);
  });

  it('still retries a network failure of a request nobody cancelled', async () => {
    let calls = 0;
    const server = stub(() => (calls++ === 0 ? Promise.reject(new TypeError('fetch failed')) : Response.json([])));
    const client = createClient({ baseUrl, fetch: server.fetch, retry: { baseDelayMs: 1 } });
    expect((await client.GET('/api/v1/tags')).response.status).toBe(200);
    expect(server.sent).toHaveLength(2);
  });
});

describe('@folio/client error bodies that are not problems', () => {
  it("reads a proxy's HTML 502 as no problem: ApiError says the status, isValidationProblem says no", async () => {
    const server = stub(() => new Response('<html><body>Bad gateway</body></html>', { status: 502, statusText: 'Bad Gateway', headers: { 'Content-Type': 'text/html' } }));
    const client = createClient({ baseUrl, fetch: server.fetch });
    const result = await client.GET('/api/v1/tags');
    expect(isValidationProblem(result.error)).toBe(false);
    expect(() => unwrap(result)).toThrow(ApiError);
    expect(() => unwrap(result)).toThrow(expect.objectContaining({ status: 502, code: 'unknown', problem: undefined, message: '502 Bad Gateway' }));
  });

  it('tells a 400 problem with its issues from any other body', () => {
    expect(isValidationProblem({ code: 'validation_failed', errors: [{ pointer: '/body/title', message: 'Required' }] })).toBe(true);
    expect(isValidationProblem({ code: 'post_not_found' })).toBe(false);
    expect(isValidationProblem('')).toBe(false);
    expect(isValidationProblem(undefined)).toBe(false);
  });

  it('gives a 304 no data, and unwrap throws it as a status without a problem', async () => {
    const server = stub(() => new Response(null, { status: 304, statusText: 'Not Modified', headers: { ETag: '"abc"' } }));
    const client = createClient({ baseUrl, fetch: server.fetch });
    const result = await client.GET('/api/v1/posts/{postId}', { params: { path: { postId: 'post_x' }, header: { 'if-none-match': '"abc"' } } });
    expect(result.response.status).toBe(304);
    expect(result.data).toBeUndefined();
    expect(() => unwrap(result)).toThrow(expect.objectContaining({ status: 304, code: 'unknown', message: '304 Not Modified' }));
  });
});

describe('@folio/client under a base URL with a path prefix', () => {
  it('keys a create and retries it with the same key, as without the prefix', async () => {
    const server = stub(() => new Response('{}', { status: 503, headers: { 'Retry-After': '0' } }));
    const client = createClient({ baseUrl: `${baseUrl}/folio`, fetch: server.fetch, retry: { baseDelayMs: 1 } });
    await client.POST('/api/v1/posts', { body: { title: 'Behind a prefix', body: 'x' } });
    expect(server.sent.map((r) => new URL(r.url).pathname)).toEqual(Array(3).fill('/folio/api/v1/posts'));
    const keys = server.sent.map((r) => r.headers.get('Idempotency-Key'));
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(keys).size).toBe(1);
  });

  it('adds no key where the operation takes none, prefix or not', async () => {
    const server = stub(() => new Response('{}', { status: 503, headers: { 'Retry-After': '0' } }));
    const client = createClient({ baseUrl: `${baseUrl}/folio`, fetch: server.fetch, retry: { baseDelayMs: 1 } });
    await client.POST('/api/v1/tokens', { body: { email: 'a@example.com', password: 'not tried' } });
    expect(server.sent).toHaveLength(1);
    expect(server.sent[0]!.headers.has('Idempotency-Key')).toBe(false);
  });
});
