import { newRequestId, problem } from './problem.ts';
import type { RouteHandler, RouteHandlers } from './types.ts';

/** The 404 problem of a path nothing is at. */
export const nothingAt = (path: string): Response => problem('not_found', newRequestId(), { detail: `Nothing is at ${path}. See /api/docs.` });

const notFound: RouteHandler = async (request) => nothingAt(new URL(request.url).pathname);

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
