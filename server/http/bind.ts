import { operationErrors, rateLimitClass, type OperationSpec } from '../../contracts/operation.ts';
import { isTransientDatabaseError } from '../db/errors.ts';
import { AppError } from '../errors.ts';
import { isFailure } from '../failure.ts';
import { accessLog, log } from '../log.ts';
import { authenticate, authorize } from './authenticate.ts';
import type { Caller } from '../identity/caller.ts';
import { parseRequest } from './parse-request.ts';
import { newRequestId, problem } from './problem.ts';
import type { BoundOperation, Handler, HandlerInput, RouteContext } from './types.ts';
import { anonymousClient, consume, type RateLimitState } from './rate-limit.ts';
import { fingerprint, idempotent } from './idempotency.ts';
import { negotiate, offeredMediaTypes } from './negotiate.ts';
import { cachePolicy, render, type RawResult } from './render.ts';
import { config } from '../config.ts';
import { describeRequest, traceRequest } from '../telemetry/tracing.ts';
import { discardUpload, uploadedFile } from './read-multipart.ts';

/**
 * Binds a handler to its contract: the whole request pipeline lives here, so route files stay
 * declarations. Request id → authenticate (as the contract's `auth` says) → count against the
 * rate limit → 401 / 403 → negotiate the representation (406) → parse and validate every part
 * (all issues at once) → idempotency → handler → render (response validation, ETag / 304, Link,
 * streaming) → errors mapped to problems → caching headers → one log line. A 500 never carries
 * the internal message; every response carries X-Request-Id, Cache-Control and the RateLimit headers.
 */
export function bind<const Op extends OperationSpec>(contract: Op, handler: NoInfer<Handler<Op>>): BoundOperation<Op> {
  if (!contract.auth) throw new Error(`${contract.operationId} declares no auth: refusing to bind it`);
  const declaredErrors = new Set(operationErrors(contract).map((e) => e.code));
  const route = contract.path;
  const limitClass = rateLimitClass(contract);
  const offered = offeredMediaTypes(contract);
  const isRead = contract.method === 'get';

  // With tracing on, each request runs in a span named by its route (server/telemetry/tracing.ts).
  const handle = (request: Request, context: RouteContext): Promise<Response> =>
    config.tracing ? traceRequest(contract, request.method, () => serve(request, context)) : serve(request, context);

  async function serve(request: Request, context: RouteContext): Promise<Response> {
    const requestId = newRequestId();
    const started = performance.now();
    let response: Response;
    let caller: Caller | null = null;
    let limit: RateLimitState | undefined;
    /** What every response to this request carries, whoever made it. */
    const pipelineHeaders = (status: number): Record<string, string> => ({
      'X-Request-Id': requestId,
      ...limit?.headers,
      'Cache-Control': cachePolicy(contract, caller === null, status),
      ...(isRead && { Vary: 'Authorization, Accept' }),
    });
    // The handler's response gets them as it is built (render); any other (a problem, a replay) afterwards.
    let rendered: Response | undefined;
    try {
      const authentication = await authenticate(contract.auth, request);
      caller = authentication.caller;
      // Per account, not per token: minting more tokens must not multiply an account's budget.
      const clientKey = caller ? `user:${caller.userId}` : anonymousClient(request);
      if (limitClass !== 'none') limit = await consume(limitClass, clientKey);
      if (limit?.limited) {
        throw new AppError('rate_limited', `Too many requests; retry in ${limit.retryAfterSeconds} s.`, {
          headers: { 'Retry-After': String(limit.retryAfterSeconds) },
        });
      }
      if (authentication.failure) throw authentication.failure;
      authorize(contract.auth, caller);
      const mediaType = negotiate(offered, request);
      const url = new URL(request.url);
      const input = await parseRequest(contract, request, url, await context.params);
      const headers = input.headers as Record<string, string | undefined>;
      const execute = async () => {
        const result = await handler({ ...input, caller, requestId, mediaType, ifMatch: headers['if-match'], signal: request.signal, clientKey } as HandlerInput<Op>);
        if (isFailure(result)) return problem(result.failure, requestId, { detail: result.detail, headers: result.headers });
        return (rendered = await render(contract, result as RawResult, request, url, mediaType, pipelineHeaders(result.status)));
      };
      const key = contract.idempotent ? headers['idempotency-key'] : undefined;
      try {
        response = key
          ? await idempotent(
              clientKey,
              key,
              fingerprint(request.method, url.pathname, input.body),
              execute,
              { sealed: contract.idempotent === 'sealed' },
            )
          : await execute();
      } finally {
        // An upload's staging file is the handler's to keep (by moving it) while it runs, never after.
        await discardUpload(uploadedFile(contract.request?.multipart, input.body));
      }
    } catch (error) {
      // The connection closed before the request was read in full: the client gave up, or the
      // front server answered 408 once FOLIO_REQUEST_TIMEOUT_MS passed. Nothing of ours failed.
      response = request.signal.aborted && !(error instanceof AppError)
        ? problem('request_timeout', requestId, { detail: 'The connection closed before the request arrived in full.' })
        : toProblem(error, requestId);
    }
    if (response !== rendered) {
      for (const [name, value] of Object.entries(pipelineHeaders(response.status))) {
        // A problem's own Cache-Control (no-store) stands.
        if (name !== 'Cache-Control' || !response.headers.has(name)) response.headers.set(name, value);
      }
    }
    describeRequest({ 'folio.request_id': requestId, ...(caller && { 'user.id': caller.userId }) });
    accessLog.info({
      request_id: requestId,
      method: request.method,
      route,
      operation: contract.operationId,
      status: response.status,
      duration_ms: Math.round((performance.now() - started) * 100) / 100,
      user_id: caller?.userId,
    });
    return response;
  }

  function toProblem(error: unknown, requestId: string): Response {
    if (isTransientDatabaseError(error)) {
      log.warn({ request_id: requestId, operation: contract.operationId, err: error }, 'database unavailable');
      error = new AppError('service_unavailable', 'The database could not answer in time; retry shortly.', { headers: { 'Retry-After': '1' } });
    }
    // Pipeline problems, which every operation declares (contracts/operation.ts operationErrors).
    if (error instanceof AppError) {
      // A test for the pipeline, not for the handler (whose failures are checked at compile time).
      if (!declaredErrors.has(error.code)) log.error({ request_id: requestId, operation: contract.operationId, code: error.code }, 'undeclared problem code');
      return problem(error.error, requestId, { detail: error.detail, errors: error.errors, headers: error.headers });
    }
    log.error({ request_id: requestId, operation: contract.operationId, err: error }, 'unhandled error');
    return problem('internal_error', requestId, { detail: `Something went wrong on our side. Quote ${requestId} when reporting it.` });
  }

  return { contract, handle };
}
