/**
 * @folio/client: a typed client for the Folio content API.
 *
 * openapi-fetch over types generated from the committed openapi.json (`schema.ts`), plus what
 * an API client needs in practice: an auth hook, typed problems and ApiError, retries that
 * honour Retry-After and never repeat an unsafe call, automatic Idempotency-Keys, async
 * iteration over cursor-paged lists, typed events (the log, and a resuming live stream), and
 * parsed response headers.
 */
import createFetchClient from 'openapi-fetch';
import type { Middleware } from 'openapi-fetch';
import { unwrap } from './errors.js';
import { createEvents, type EventsApi } from './events.js';
import type { PagedPath, PageItem, PageParams } from './paginate.js';
import { needsIdempotencyKey, RETRY_DEFAULTS, retryingFetch, type RetryOptions } from './retry.js';
import { mediaApi } from './media.js';
import type { components, operations, paths } from './schema.js';
import type { FetchClient, JsonMedia } from './transport.js';

export type { components, operations, paths };
export { ApiError, isValidationProblem, unwrap } from './errors.js';
export type { Problem, ProblemCode, ValidationProblem } from './errors.js';
export { readHeaders } from './headers.js';
export type { FolioHeaders, RateLimitState } from './headers.js';
export type { PagedPath, PageItem, PageParams } from './paginate.js';
export type { EventListQuery, EventOf, EventOptions, EventsApi, FolioEvent, FolioEventType, SubscribeOptions, UnknownEvent } from './events.js';
export type { RetryOptions } from './retry.js';
export type { Download, DownloadOptions, Media, MediaContentType, MediaUploadForm, UploadOptions } from './media.js';
export { signWebhook, verifyWebhook, WebhookVerificationError } from './webhooks.js';
export type { VerifyWebhookOptions, WebhookEvent, WebhookHeaders, WebhookVerificationReason } from './webhooks.js';

type Schemas = components['schemas'];
export type Post = Schemas['Post'];
export type PostCreate = Schemas['PostCreate'];
export type PostUpdate = Schemas['PostUpdate'];
export type PostPage = Schemas['PostPage'];
export type PostStatus = Post['status'];
export type Comment = Schemas['Comment'];
export type User = Schemas['User'];
export type Me = Schemas['Me'];
export type Token = Schemas['Token'];
export type FieldIssue = Schemas['FieldIssue'];

/** What `FolioClientOptions.headers` may return: headers to set, or `undefined` for none. */
export type HeadersHook = () => HeadersInit | undefined | Promise<HeadersInit | undefined>;

export interface FolioClientOptions {
  /** Where Folio answers, e.g. `https://folio.example.com`, or under a prefix `https://example.com/folio` (no trailing `/api/v1`). */
  baseUrl: string;
  /**
   * Called before every request; the headers it returns are set on the request (replacing any
   * of the same name), and nothing is set when it returns `undefined` — signed out, say. The place
   * for auth: `async () => (token ? { Authorization: 'Bearer ' + token } : undefined)`.
   */
  headers?: HeadersHook;
  /** Retries of 429, 503 and network failures; `{ retries: 0 }` turns them off. */
  retry?: RetryOptions;
  /** The fetch to use; defaults to `globalThis.fetch`. */
  fetch?: typeof fetch;
}

/** `paginate`'s parameters: required when the path has some (`{postId}`), else optional. */
type PaginateParams<P extends PagedPath> = object extends PageParams<P> ? [params?: PageParams<P>] : [params: PageParams<P>];

/** openapi-fetch's typed `GET`/`POST`/… over Folio's paths, and helpers for lists. */
export type FolioClient = FetchClient & {
  /** Every item of a cursor-paged list, fetching pages as the loop asks for them; throws ApiError on a problem. */
  paginate<P extends PagedPath>(path: P, ...params: PaginateParams<P>): AsyncGenerator<PageItem<P>, void, undefined>;
  posts: { list(query?: PageParams<'/api/v1/posts'>['query']): AsyncGenerator<Post, void, undefined> };
  comments: { list(postId: string, query?: PageParams<'/api/v1/posts/{postId}/comments'>['query']): AsyncGenerator<Comment, void, undefined> };
  /** The event log a page at a time (`list`), and the live stream (`subscribe`), typed by event type. */
  events: EventsApi;
  /** Uploads (a Blob, File or stream, streamed) and downloads (whole or a byte range, as a Blob or a stream). */
  media: ReturnType<typeof mediaApi>;
};

function headersMiddleware(hook: HeadersHook): Middleware {
  return {
    async onRequest({ request }) {
      new Headers(await hook()).forEach((value, name) => request.headers.set(name, value));
      return request;
    },
  };
}

/** One key per logical call: set before the first attempt, so every retry carries the same. */
const idempotencyMiddleware: Middleware = {
  onRequest({ request, schemaPath }) {
    if (!request.headers.has('Idempotency-Key') && needsIdempotencyKey(request.method, schemaPath)) request.headers.set('Idempotency-Key', crypto.randomUUID());
    return request;
  },
};

export function createClient(options: FolioClientOptions): FolioClient {
  const baseFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const client = createFetchClient<paths, JsonMedia>({ baseUrl: options.baseUrl, fetch: retryingFetch(baseFetch, options.retry) });
  if (options.headers) client.use(headersMiddleware(options.headers));
  client.use(idempotencyMiddleware);

  async function* paginate(path: string, params: { query?: Record<string, unknown>; path?: Record<string, unknown> } = {}) {
    let cursor: string | null | undefined;
    do {
      const query = { ...params.query, ...(cursor ? { cursor } : {}) };
      const get = client.GET as unknown as (p: string, init: object) => Promise<{ data?: unknown; error?: unknown; response: Response }>;
      const page = unwrap(await get(path, { params: { ...params, query } })) as { data: unknown[]; next_cursor: string | null };
      yield* page.data;
      cursor = page.next_cursor;
    } while (cursor);
  }

  return Object.assign(client, {
    paginate: paginate as FolioClient['paginate'],
    media: mediaApi(client),
    posts: { list: (query = {}) => paginate('/api/v1/posts', { query }) as AsyncGenerator<Post, void, undefined> },
    comments: {
      list: (postId: string, query = {}) =>
        paginate('/api/v1/posts/{postId}/comments', { path: { postId }, query }) as AsyncGenerator<Comment, void, undefined>,
    },
    events: createEvents({ client, fetch: baseFetch, maxDelayMs: options.retry?.maxDelayMs ?? RETRY_DEFAULTS.maxDelayMs, paginate }),
  });
}
