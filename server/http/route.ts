import type { HttpMethod, OperationSpec } from '../../contracts/operation.ts';
import { newRequestId, problem } from './problem.ts';
import type { BoundOperation, RouteContext, RouteHandler, RouteHandlers } from './types.ts';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;


/**
 * The contracts a route mounts, kept on its OPTIONS handler (route files export only method
 * handlers) for the test that compares the routes on disk with the contracts.
 */
export const ROUTE_OPERATIONS = Symbol.for('folio.route.operations');

export function mountedOperations(options: RouteHandler): OperationSpec[] {
  return (options as RouteHandler & { [ROUTE_OPERATIONS]?: OperationSpec[] })[ROUTE_OPERATIONS] ?? [];
}

/**
 * Mounts the operations that share one path. Every method is answered: documented ones by
 * their binding, HEAD by GET without the body, OPTIONS with the documented methods, and any
 * other with 405 and an `Allow` header — Next.js alone would send 405 without `Allow`.
 */
export function route(...bound: BoundOperation[]): RouteHandlers {
  const path = bound[0]?.contract.path;
  const byMethod = new Map<string, BoundOperation>();
  for (const op of bound) {
    if (op.contract.path !== path) throw new Error(`route(): ${op.contract.operationId} is not on ${path}`);
    const method = op.contract.method.toUpperCase() as Uppercase<HttpMethod>;
    if (byMethod.has(method)) throw new Error(`route(): two operations for ${method} ${path}`);
    byMethod.set(method, op);
  }
  const get = byMethod.get('GET');
  const { notAllowed, options } = methodAnswers([...byMethod.keys(), ...(get ? ['HEAD'] : [])]);

  const handlers = Object.fromEntries(
    METHODS.map((method) => [method, byMethod.get(method)?.handle ?? notAllowed]),
  ) as Record<(typeof METHODS)[number], RouteHandler>;

  const head: RouteHandler = get
    ? async (request: Request, context: RouteContext) => {
        const response = await get.handle(request, context);
        // The body is never read: cancelling it lets its source let go at once (an event
        // stream's slot and subscription, a CSV export's query), as when a client disconnects.
        await response.body?.cancel();
        return new Response(null, { status: response.status, headers: response.headers });
      }
    : notAllowed;

  Object.defineProperty(options, ROUTE_OPERATIONS, { value: bound.map((b) => b.contract) });

  return { ...handlers, HEAD: head, OPTIONS: options };
}

/** What a path answers to OPTIONS (its methods, in `Allow`) and to a method it does not allow (405, with `Allow`). */
function methodAnswers(methods: string[]) {
  const allow = [...methods, 'OPTIONS'].join(', ');
  const notAllowed: RouteHandler = async (request) =>
    problem('method_not_allowed', newRequestId(), {
      detail: `${request.method} is not supported here; use ${allow}.`,
      headers: { Allow: allow },
    });
  const options: RouteHandler = async () => new Response(null, { status: 204, headers: { Allow: allow, 'X-Request-Id': newRequestId() } });
  return { notAllowed, options };
}

/**
 * A route outside the contracts that only reads (the document, its reference): GET (and HEAD,
 * which Next.js answers from it), OPTIONS, and 405 with `Allow` for the rest, as on every other path.
 */
export function readOnlyRoute(get: RouteHandler): Omit<RouteHandlers, 'HEAD'> {
  const { notAllowed, options } = methodAnswers(['GET', 'HEAD']);
  return { GET: get, POST: notAllowed, PUT: notAllowed, PATCH: notAllowed, DELETE: notAllowed, OPTIONS: options };
}
