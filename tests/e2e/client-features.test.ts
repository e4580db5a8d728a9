/**
 * The client as a product, against the production build: ApiError and typed problems, retries
 * that honour Retry-After and never repeat an unsafe call, automatic Idempotency-Keys, async
 * iteration over cursor-paged lists, and parsed response headers.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ApiError, createClient, isValidationProblem, readHeaders, unwrap, type FolioClient, type Post } from '@folio/client';
import { databaseKinds, startFolio, type RunningFolio } from '../support/folio-server.ts';
import { signUp, type Account } from '../support/identity.ts';

const servers = inject('servers');

/** Wraps fetch to watch (and, when asked, tamper with) what the client sends. */
function recordingFetch(script: (attempt: number, request: Request) => Response | 'lose-response' | undefined = () => undefined) {
  const sent: Request[] = [];
  const fetcher: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    sent.push(request.clone());
    const scripted = script(sent.length, request);
    if (scripted === 'lose-response') {
      await fetch(request);
      throw new TypeError('network: connection reset after the request was sent');
    }
    return scripted ?? fetch(request);
  };
  return { sent, fetcher };
}

describe.each(servers)('@folio/client features on $kind', ({ baseUrl }) => {
  let account: Account;
  let folio: FolioClient;
  beforeAll(async () => {
    account = await signUp(baseUrl);
    folio = createClient({ baseUrl, headers: () => account.auth });
  });

  it('throws ApiError from unwrap with status, typed code, request id and the problem', async () => {
    const result = await folio.GET('/api/v1/posts/{postId}', { params: { path: { postId: 'post_00000000000000000000000000' } } });
    const error = (() => {
      try {
        unwrap(result);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ApiError);
    const apiError = error as ApiError;
    expect(apiError.status).toBe(404);
    expect(apiError.is('post_not_found')).toBe(true);
    expect(apiError.requestId).toBe(result.response.headers.get('X-Request-Id'));
    expect(apiError.problem?.type).toBe('/problems/post_not_found');

    const invalid = await folio.POST('/api/v1/posts', { body: { title: '' } });
    expect(isValidationProblem(invalid.error) && invalid.error.errors[0]?.pointer).toBe('/body/title');
  });

  it('iterates over every item of a list with for await, following cursors', async () => {
    const tag = `iter-${randomUUID().slice(0, 8)}`;
    const created: Post[] = [];
    for (let i = 0; i < 5; i++) created.push(unwrap(await folio.POST('/api/v1/posts', { body: { title: `Iter ${i}`, status: 'published', tags: [tag] } })));
    const seen: string[] = [];
    for await (const post of folio.posts.list({ tag: [tag], limit: 2 })) seen.push(post.id);
    expect(seen).toEqual(created.map((p) => p.id).reverse());

    const post = created[0]!;
    for (const body of ['one', 'two', 'three']) await folio.POST('/api/v1/posts/{postId}/comments', { params: { path: { postId: post.id } }, body: { body } });
    const comments = [];
    for await (const comment of folio.comments.list(post.id, { limit: 1 })) comments.push(comment.body);
    expect(comments).toEqual(['one', 'two', 'three']);
  });

  it('parses the declared response headers', async () => {
    const created = await folio.POST('/api/v1/posts', { body: { title: 'Headers', status: 'published' } });
    const headers = readHeaders(created.response);
    expect(headers.location).toBe(`/api/v1/posts/${created.data!.id}`);
    expect(headers.rateLimit).toMatchObject({ policy: 'write', remaining: expect.any(Number), resetSeconds: expect.any(Number) });
    const read = await folio.GET('/api/v1/posts/{postId}', { params: { path: { postId: created.data!.id } } });
    expect(readHeaders(read.response).etag).toMatch(/^"/);
    const page = await folio.GET('/api/v1/posts', { params: { query: { limit: 1 } } });
    expect(readHeaders(page.response).next).toMatch(/^\/api\/v1\/posts\?limit=1&cursor=/);
  });

  it('adds one Idempotency-Key per create and retries a lost response safely: one post, replayed', async () => {
    const tag = `retry-${randomUUID().slice(0, 8)}`;
    const { sent, fetcher } = recordingFetch((attempt) => (attempt === 1 ? 'lose-response' : undefined));
    const client = createClient({ baseUrl, headers: () => account.auth, fetch: fetcher, retry: { baseDelayMs: 10 } });
    const result = await client.POST('/api/v1/posts', { body: { title: 'Exactly once', status: 'published', tags: [tag] } });
    expect(result.response.status).toBe(201);
    expect(sent).toHaveLength(2);
    const keys = sent.map((r) => r.headers.get('Idempotency-Key'));
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(readHeaders(result.response).replayed).toBe(true);
    const listed = [];
    for await (const post of folio.posts.list({ tag: [tag] })) listed.push(post);
    expect(listed).toHaveLength(1);
  });

  it('sends no credentials while its auth hook returns undefined (signed out), and the token once it returns one', async () => {
    const session: { token?: string } = {};
    const { sent, fetcher } = recordingFetch();
    const client = createClient({ baseUrl, fetch: fetcher, headers: async () => (session.token ? { Authorization: `Bearer ${session.token}` } : undefined) });
    expect((await client.GET('/api/v1/me')).response.status).toBe(401);
    session.token = account.token;
    const me = await client.GET('/api/v1/me');
    expect(me.response.status).toBe(200);
    expect(me.data?.email).toBe(account.email);
    expect(sent.map((r) => r.headers.get('Authorization'))).toEqual([null, `Bearer ${account.token}`]);
  });

  it('never retries a call that is not safe to repeat', async () => {
    const { sent, fetcher } = recordingFetch(() => new Response('{}', { status: 503, headers: { 'Retry-After': '0' } }));
    const client = createClient({ baseUrl, fetch: fetcher, retry: { baseDelayMs: 1 } });
    const result = await client.POST('/api/v1/tokens', { body: { email: account.email, password: 'wrong password' } });
    expect(result.response.status).toBe(503);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.headers.has('Idempotency-Key')).toBe(false);
  });

  it('retries 503 on reads with backoff, up to the limit', async () => {
    const { sent, fetcher } = recordingFetch(() => new Response('{}', { status: 503 }));
    const client = createClient({ baseUrl, fetch: fetcher, retry: { retries: 3, baseDelayMs: 5 } });
    const result = await client.GET('/api/v1/tags');
    expect(result.response.status).toBe(503);
    expect(sent).toHaveLength(4);
  });
});

// A server with a tiny read quota: the client must wait out a real 429 and then succeed.
describe.each(databaseKinds())('@folio/client against a real rate limit on %s', (kind) => {
  let server: RunningFolio;
  beforeAll(async () => {
    server = await startFolio(kind, { FOLIO_RATE_LIMITS: 'read=2/2,write=100/60,auth=100/60' });
  });
  afterAll(async () => server?.stop());

  it('honours Retry-After (seconds) on 429 and gets through', async () => {
    const { sent, fetcher } = recordingFetch();
    const client = createClient({ baseUrl: server.baseUrl, fetch: fetcher, retry: { retries: 3 } });
    const started = Date.now();
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await client.GET('/api/v1/tags')).response.status);
    expect(statuses).toEqual([200, 200, 200]);
    expect(sent.length).toBeGreaterThan(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });
});
