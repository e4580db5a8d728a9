import type { components } from './schema.js';

type Schemas = components['schemas'];

/** Any problem: what every problem body has, whatever its code. */
export type Problem = Schemas['Problem'];
/** The problem of one code (`SlugTakenProblem` …): its `code`, `status` and `type` fixed. */
export type KnownProblem = { [K in keyof Schemas]: K extends `${string}Problem` ? (K extends 'Problem' ? never : Schemas[K]) : never }[keyof Schemas];
/** A 400 problem: it lists every issue found in the request. */
export type ValidationProblem = Schemas['ValidationFailedProblem'] | Schemas['MalformedJsonProblem'];
/** Every code the document names. Each call's `error` is typed with just the codes its operation can answer with; tolerate codes added later. */
export type ProblemCode = KnownProblem['code'];

/**
 * An error response's body as a problem, when it is one. It may not be: a proxy's HTML page, or
 * the empty body of a 304 (openapi-fetch gives both as `error`, typed as the problem they are not).
 */
function asProblem(body: unknown): Problem | ValidationProblem | undefined {
  return typeof body === 'object' && body !== null && typeof (body as { code?: unknown }).code === 'string' ? (body as Problem) : undefined;
}

/**
 * A failed call: the HTTP status, the problem's stable `code`, the request id to quote when
 * reporting it, and the whole RFC 9457 problem (with `errors` for a 400).
 */
export class ApiError extends Error {
  readonly status: number;
  /** The problem's code — one the document names, or (from a newer server) one it does not yet. */
  readonly code: ProblemCode | (string & {});
  readonly requestId: string | null;
  readonly problem: Problem | ValidationProblem | undefined;
  readonly response: Response;

  /** `body` is the response's body as openapi-fetch read it: kept as `problem` only if it is one. */
  constructor(response: Response, body: unknown) {
    const problem = asProblem(body);
    super(problem ? `${response.status} ${problem.code}: ${problem.detail}` : `${response.status} ${response.statusText}`);
    this.name = 'ApiError';
    this.status = response.status;
    this.code = problem?.code ?? 'unknown';
    this.requestId = problem?.request_id ?? response.headers.get('X-Request-Id');
    this.problem = problem;
    this.response = response;
  }

  /** Narrows to a problem with this code. */
  is<C extends ProblemCode>(code: C): this is ApiError & { code: C } {
    return this.code === code;
  }
}

/** A 400 problem lists every issue found in the request. Anything else (another problem, a body that is none) is not one. */
export function isValidationProblem(problem: unknown): problem is ValidationProblem {
  return Array.isArray((asProblem(problem) as { errors?: unknown } | undefined)?.errors);
}

/**
 * The data of a successful call, or an ApiError thrown for a problem: for callers who prefer
 * exceptions to checking `error`. A 304 (a conditional GET whose If-None-Match still holds) has
 * no data: it throws too, so check `response.status === 304` first when sending If-None-Match.
 *
 *   const post = unwrap(await folio.GET('/api/v1/posts/{postId}', { params: { path: { postId } } }));
 */
export function unwrap<D>(result: { data?: D; error?: unknown; response: Response }): D {
  if (result.error !== undefined || !result.response.ok) {
    throw new ApiError(result.response, result.error);
  }
  return result.data as D;
}
