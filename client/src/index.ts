/**
 * @folio/client: a typed client for the Folio content API.
 *
 * A thin layer over openapi-fetch: every path, parameter, body and response is typed from
 * `schema.ts`, which `npm run generate` writes from the committed openapi.json.
 */
import createFetchClient from 'openapi-fetch';
import type { Client, Middleware } from 'openapi-fetch';
import type { components, operations, paths } from './schema.js';

export type { components, operations, paths };

type Schemas = components['schemas'];

/** A post as the API returns it. */
export type Post = Schemas['Post'];
/** The body of `POST /api/v1/posts`. */
export type PostCreate = Schemas['PostCreate'];
/** The body of `PATCH /api/v1/posts/{postId}`. */
export type PostUpdate = Schemas['PostUpdate'];
/** One page of `GET /api/v1/posts`. */
export type PostPage = Schemas['PostPage'];
/** `draft` or `published`; tolerate values added later. */
export type PostStatus = Post['status'];
/** An RFC 9457 problem (`application/problem+json`). */
export type Problem = Schemas['Problem'];
/** The 400 problem: a `Problem` with the list of `errors` found in the request. */
export type ValidationProblem = Schemas['ValidationProblem'];
/** One entry of `ValidationProblem['errors']`. */
export type FieldIssue = Schemas['FieldIssue'];

/** JSON bodies (`application/json`, `application/problem+json`): other representations, such as CSV, are read with `parseAs: 'text'`. */
type JsonMedia = `${string}/${string}json`;

/** The client `createClient` returns: openapi-fetch's `Client` over Folio's paths, typed for JSON responses. */
export type FolioClient = Client<paths, JsonMedia>;

export interface FolioClientOptions {
  /** Where Folio answers, e.g. `https://folio.example.com` (no trailing `/api/v1`). */
  baseUrl: string;
  /**
   * Called before every request; the headers it returns are set on the request (replacing any
   * of the same name). The place for auth headers, e.g. returning `{ Authorization: 'Bearer …' }`.
   */
  headers?: () => HeadersInit | Promise<HeadersInit>;
  /** The fetch to use; defaults to `globalThis.fetch`. */
  fetch?: typeof fetch;
}

/** Sets the headers `hook` returns on each outgoing request. */
function headersMiddleware(hook: () => HeadersInit | Promise<HeadersInit>): Middleware {
  return {
    async onRequest({ request }) {
      new Headers(await hook()).forEach((value, name) => request.headers.set(name, value));
      return request;
    },
  };
}

/**
 * Creates a client for one Folio server.
 *
 * @example
 * const folio = createClient({ baseUrl: 'http://localhost:3000' });
 * const { data, error, response } = await folio.GET('/api/v1/posts/{postId}', { params: { path: { postId } } });
 */
export function createClient(options: FolioClientOptions): FolioClient {
  const client = createFetchClient<paths, JsonMedia>({
    baseUrl: options.baseUrl,
    ...(options.fetch && { fetch: options.fetch }),
  });
  if (options.headers) client.use(headersMiddleware(options.headers));
  return client;
}
