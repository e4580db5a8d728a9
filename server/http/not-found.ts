import { newRequestId, problem } from './problem.ts';
import type { RouteHandler, RouteHandlers } from './types.ts';

const notFound: RouteHandler = async (request) =>
  problem('not_found', newRequestId(), { detail: `Nothing is at ${new URL(request.url).pathname}. See /api/docs.` });

/** Every method of an unknown /api path answers the same 404 problem. */
export const notFoundRoute: RouteHandlers = {
  GET: notFound,
  HEAD: async (request, context) => new Response(null, (await notFound(request, context))),
  POST: notFound,
  PUT: notFound,
  PATCH: notFound,
  DELETE: notFound,
  OPTIONS: notFound,
};
