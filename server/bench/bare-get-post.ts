import { config } from '../config.ts';
import { notFoundRoute } from '../http/not-found.ts';
import type { RouteHandler, RouteHandlers } from '../http/types.ts';
import { getPost } from '../posts/service.ts';

/**
 * What a hand-written Next.js route would do for `GET /api/v1/posts/{postId}`: the same service
 * call for an anonymous caller, answered with Response.json — no contract, no pipeline. `npm run
 * bench` compares the bound operation with it on the same server.
 */
const bareGetPost: RouteHandler = async (_request, context) => {
  const { postId } = (await context.params) as { postId: string };
  return Response.json(await getPost(postId, null));
};

/**
 * Mounted at /api/bench/posts/{postId}. Only a server the bench starts (FOLIO_BENCH_ROUTES=1)
 * answers there; any other start answers the 404 problem of every unknown /api path.
 */
export const benchPostRoute: RouteHandlers = config.benchRoutes ? { ...notFoundRoute, GET: bareGetPost } : notFoundRoute;
