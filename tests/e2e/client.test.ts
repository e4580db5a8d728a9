/**
 * End-to-end: the built @folio/client package (client/dist, linked through the npm workspace)
 * against the production build, once per database the run starts (see tests/support/global-setup.ts).
 *
 * The servers live for the whole run and other test files write to them too, so nothing here
 * assumes an empty database: every post is tagged with this run's id and assertions look only
 * at those posts, except where they check properties of the whole list (order, duplicates).
 *
 * Build first: `npm run client:build && npx next build`.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createClient, type FolioClient, type Post, type PostCreate, type Problem, type ValidationProblem } from '@folio/client';
import { signUp, type Account } from '../support/identity.ts';

const servers = inject('servers');

/** This run's mark: kebab-case, so it is a valid tag and slug part. */
const RUN = randomUUID().slice(0, 8);
const REQUEST_ID = /^req_[0-9a-f]{32}$/;
const POST_ID = /^post_[0-9a-hjkmnp-tv-z]{26}$/;

const show = (value: unknown) => JSON.stringify(value, null, 2);

/** A result of any client call: `data` on success, `error` (the parsed body) otherwise. */
interface Result<D, E> {
  data?: D;
  error?: E;
  response: Response;
}

/** Describes a response for assertion messages: status, request id and body. */
function describeResponse({ data, error, response }: Result<unknown, unknown>): string {
  return `${response.status} ${response.url} (X-Request-Id ${response.headers.get('X-Request-Id')}):\n${show(error ?? data)}`;
}

/** Asserts the status and returns the typed success body. */
function expectData<D, E>(result: Result<D, E>, status: number): D {
  expect(result.response.status, describeResponse(result)).toBe(status);
  expect(result.error, describeResponse(result)).toBeUndefined();
  if (result.data === undefined) throw new Error(`no body: ${describeResponse(result)}`);
  return result.data;
}

/** Asserts the status and the RFC 9457 basics, and returns the typed problem. */
function expectProblem<D, E extends Problem | ValidationProblem>(result: Result<D, E>, status: number, code: E['code']): E {
  const context = describeResponse(result);
  expect(result.response.status, context).toBe(status);
  expect(result.data, context).toBeUndefined();
  expect(result.response.headers.get('Content-Type'), context).toMatch(/^application\/problem\+json\b/);
  const problem = result.error;
  if (problem === undefined) throw new Error(`no problem body: ${context}`);
  expect(problem.status, context).toBe(status);
  expect(problem.code, context).toBe(code);
  expect(problem.type, context).toBe(`/problems/${code}`);
  expect(problem.request_id, context).toMatch(REQUEST_ID);
  expect(result.response.headers.get('X-Request-Id'), context).toBe(problem.request_id);
  return problem;
}

function isValidationProblem(problem: Problem | ValidationProblem): problem is ValidationProblem {
  return 'errors' in problem;
}

/** Newest first: by created_at, then id, both descending. */
function newerFirst(a: Post, b: Post): number {
  const byTime = Date.parse(b.created_at) - Date.parse(a.created_at);
  return byTime !== 0 ? byTime : a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

describe.each(servers)('@folio/client against the production build on $kind', ({ kind, baseUrl, logFile }) => {
  let account: Account;
  let folio: FolioClient;
  beforeAll(async () => {
    account = await signUp(baseUrl);
    // The auth hook: every request carries the account's bearer token.
    folio = createClient({ baseUrl, headers: () => account.auth });
  });
  const tag = `e2e-${kind}-${RUN}`;
  const where = `(${kind} server log: ${logFile})`;

  async function create(client: FolioClient, body: PostCreate): Promise<Post> {
    return expectData(await client.POST('/api/v1/posts', { body }), 201);
  }

  it('creates a post: 201 with the post, Location and X-Request-Id', async () => {
    const body = {
      title: `Client e2e ${RUN}`,
      body: 'Written through **@folio/client**.',
      tags: [tag, 'client', tag],
    } satisfies PostCreate;
    const result = await folio.POST('/api/v1/posts', { body });
    const post = expectData(result, 201);
    const context = `${describeResponse(result)}\n${where}`;

    expect(post.id, context).toMatch(POST_ID);
    expect(result.response.headers.get('Location'), context).toBe(`/api/v1/posts/${post.id}`);
    expect(result.response.headers.get('X-Request-Id'), context).toMatch(REQUEST_ID);
    expect(post, context).toMatchObject({
      title: body.title,
      body: body.body,
      slug: `client-e2e-${RUN}`,
      status: 'draft',
      tags: [tag, 'client'],
      published_at: null,
    });
    expect(post.updated_at, context).toBe(post.created_at);
    expect(Math.abs(Date.parse(post.created_at) - Date.now()), context).toBeLessThan(60_000);
  });

  it('gets a post by id', async () => {
    const created = await create(folio, { title: `Get me ${RUN}`, status: 'published', tags: [tag] });
    const result = await folio.GET('/api/v1/posts/{postId}', { params: { path: { postId: created.id } } });
    const post = expectData(result, 200);
    expect(post, `${describeResponse(result)}\n${where}`).toEqual(created);
    expect(post.published_at, describeResponse(result)).toBe(post.created_at);
    expect(result.response.headers.get('X-Request-Id'), describeResponse(result)).toMatch(REQUEST_ID);
  });

  it('lists published posts newest first, a page at a time, without duplicates', async () => {
    const pageTag = `${tag}-paging`;
    const created: Post[] = [];
    for (let i = 0; i < 7; i++) {
      created.push(await create(folio, { title: `Paging ${RUN} ${i}`, status: 'published', tags: [pageTag] }));
      // Distinct creation milliseconds, so "newest first" is the reverse of creation order.
      await sleep(3);
    }
    const draft = await create(folio, { title: `Paging draft ${RUN}`, tags: [pageTag] });

    const limit = 3;
    const listed: Post[] = [];
    const pages: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const query = cursor === undefined ? { limit } : { limit, cursor };
      const result = await folio.GET('/api/v1/posts', { params: { query } });
      const page = expectData(result, 200);
      const context = `page ${pages.length + 1}: ${describeResponse(result)}\n${where}`;
      pages.push(context);
      expect(page.data.length, context).toBeLessThanOrEqual(limit);
      listed.push(...page.data);
      if (!page.has_more) {
        expect(page.next_cursor, context).toBeNull();
        break;
      }
      expect(page.data, context).toHaveLength(limit);
      expect(page.next_cursor, context).toEqual(expect.any(String));
      cursor = page.next_cursor ?? undefined;
      if (pages.length > 1_000) throw new Error(`more than 1000 pages; last:\n${context}`);
    }

    const ids = listed.map((post) => post.id);
    const summary = `${pages.length} pages of ${limit}:\n${show(listed.map(({ id, status, created_at, tags }) => ({ id, status, created_at, tags })))}\n${where}`;
    expect(pages.length, summary).toBeGreaterThanOrEqual(Math.ceil(created.length / limit));
    expect(new Set(ids).size, `duplicates across pages; ${summary}`).toBe(ids.length);
    expect(listed.filter((post) => post.status !== 'published'), `status defaults to published; ${summary}`).toEqual([]);
    expect(ids, `the draft is not listed by default; ${summary}`).not.toContain(draft.id);
    expect(
      listed.map((post) => post.id),
      `the whole list is newest first (created_at, then id); ${summary}`,
    ).toEqual([...listed].sort(newerFirst).map((post) => post.id));

    const mine = listed.filter((post) => post.tags.includes(pageTag));
    expect(
      mine.map((post) => post.id),
      `this test's posts, newest first; ${summary}`,
    ).toEqual(created.map((post) => post.id).reverse());
    expect(mine, summary).toEqual([...created].reverse());

    // The draft is listed with status=draft.
    const drafts = await folio.GET('/api/v1/posts', { params: { query: { status: 'draft', limit: 100 } } });
    const draftPage = expectData(drafts, 200);
    expect(
      draftPage.data.map((post) => post.id),
      `${describeResponse(drafts)}\n${where}`,
    ).toContain(draft.id);
    expect(draftPage.data.filter((post) => post.status !== 'draft'), describeResponse(drafts)).toEqual([]);
  });

  it('updates a post with PATCH, changing only the fields sent', async () => {
    const created = await create(folio, { title: `Update me ${RUN}`, body: 'Unchanged body.', tags: [tag] });
    await sleep(3);
    const result = await folio.PATCH('/api/v1/posts/{postId}', {
      params: { path: { postId: created.id } },
      body: { title: `Updated ${RUN}`, status: 'published', tags: [tag, 'updated'] },
    });
    const updated = expectData(result, 200);
    const context = `${describeResponse(result)}\ncreated: ${show(created)}\n${where}`;
    expect(updated, context).toMatchObject({
      id: created.id,
      slug: created.slug,
      title: `Updated ${RUN}`,
      body: 'Unchanged body.',
      excerpt: created.excerpt,
      status: 'published',
      tags: [tag, 'updated'],
      created_at: created.created_at,
    });
    expect(Date.parse(updated.updated_at), context).toBeGreaterThan(Date.parse(created.updated_at));
    expect(updated.published_at, context).toBe(updated.updated_at);

    const reread = await folio.GET('/api/v1/posts/{postId}', { params: { path: { postId: created.id } } });
    expect(expectData(reread, 200), describeResponse(reread)).toEqual(updated);
  });

  it('deletes a post: 204, then the post answers 404 post_not_found', async () => {
    const created = await create(folio, { title: `Delete me ${RUN}`, tags: [tag] });
    const path = { postId: created.id };

    const deleted = await folio.DELETE('/api/v1/posts/{postId}', { params: { path } });
    expect(deleted.response.status, describeResponse(deleted)).toBe(204);
    expect(deleted.data, describeResponse(deleted)).toBeUndefined();
    expect(deleted.error, describeResponse(deleted)).toBeUndefined();
    expect(deleted.response.headers.get('X-Request-Id'), describeResponse(deleted)).toMatch(REQUEST_ID);

    const gone = expectProblem(await folio.GET('/api/v1/posts/{postId}', { params: { path } }), 404, 'post_not_found');
    expect(gone.detail, show(gone)).toContain(created.id);

    expectProblem(await folio.DELETE('/api/v1/posts/{postId}', { params: { path } }), 404, 'post_not_found');
    expectProblem(
      await folio.PATCH('/api/v1/posts/{postId}', { params: { path }, body: { title: 'Too late' } }),
      404,
      'post_not_found',
    );
  });

  it('answers an invalid body with a typed 400 validation problem', async () => {
    const result = await folio.POST('/api/v1/posts', { body: { title: '', tags: [tag] } });
    const problem = expectProblem(result, 400, 'validation_failed');
    if (!isValidationProblem(problem)) throw new Error(`400 without errors: ${describeResponse(result)}`);
    expect(
      problem.errors.map((issue) => issue.pointer),
      describeResponse(result),
    ).toEqual(['/body/title']);
    expect(problem.errors[0]?.message, describeResponse(result)).toEqual(expect.any(String));
    // Each distinct failure gets its own request id.
    const again = expectProblem(await folio.POST('/api/v1/posts', { body: { title: '' } }), 400, 'validation_failed');
    expect(again.request_id, show([problem, again])).not.toBe(problem.request_id);
  });

  it('answers a write without a token with a typed 401 problem', async () => {
    const anonymous = createClient({ baseUrl });
    const result = await anonymous.POST('/api/v1/posts', { body: { title: `Anonymous ${RUN}` } });
    expectProblem(result, 401, 'unauthorized');
    expect(result.response.headers.get('WWW-Authenticate'), describeResponse(result)).toMatch(/^Bearer /);
  });

  it('answers an invalid query with a 400 naming the parameter', async () => {
    const result = await folio.GET('/api/v1/posts', { params: { query: { limit: 0 } } });
    const problem = expectProblem(result, 400, 'validation_failed');
    expect(isValidationProblem(problem) && problem.errors.map((issue) => issue.pointer), describeResponse(result)).toEqual([
      '/query/limit',
    ]);
  });

  it('sets the headers hook on every request and uses the given fetch', async () => {
    const sent: Request[] = [];
    let calls = 0;
    const client = createClient({
      baseUrl,
      headers: async () => ({ ...account.auth, 'X-Folio-Call': String(++calls) }),
      fetch: (input, init) => {
        const request = new Request(input, init);
        sent.push(request.clone());
        return fetch(request);
      },
    });
    const created = await create(client, { title: `Hooked ${RUN}`, tags: [tag] });
    expectData(await client.GET('/api/v1/posts/{postId}', { params: { path: { postId: created.id } } }), 200);

    const seen = sent.map((request) => ({
      method: request.method,
      url: request.url,
      authorization: request.headers.get('Authorization'),
      call: request.headers.get('X-Folio-Call'),
      contentType: request.headers.get('Content-Type'),
    }));
    expect(seen, show(seen)).toEqual([
      {
        method: 'POST',
        url: `${baseUrl}/api/v1/posts`,
        authorization: account.auth.Authorization,
        call: '1',
        contentType: 'application/json',
      },
      {
        method: 'GET',
        url: `${baseUrl}/api/v1/posts/${created.id}`,
        authorization: account.auth.Authorization,
        call: '2',
        contentType: null,
      },
    ]);
  });
});
