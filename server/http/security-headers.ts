import { config } from '../config.ts';

/**
 * Sent on every response, whoever writes it: the front server (server/start.ts) sets them before
 * Next.js sees the request, and Next.js keeps a header that is already set. `nosniff`: a browser
 * never runs a JSON body or a problem as a script or a page; no Referer leaks ids or query strings
 * from the reference or the home page to other sites.
 */
export const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
} as const;

export type Directives = Record<string, readonly string[]>;

/** A Content-Security-Policy from its directives; who may frame the page comes from FOLIO_FRAME_ANCESTORS. */
export function contentSecurityPolicy(directives: Directives): string {
  const all: Directives = { ...directives, 'frame-ancestors': [config.frameAncestors] };
  return Object.entries(all)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}

/**
 * The policy of the pages Next.js renders (the home page; its 404 page). They are prerendered, so
 * they cannot carry a per-request nonce, and the inline scripts Next.js writes into them (the React
 * Server Components payload) change with every build: hence `'unsafe-inline'`, as Next.js documents
 * for static pages. They show no user content; the policy's point is who may frame them.
 */
const PAGE_POLICY = contentSecurityPolicy({
  'default-src': ["'none'"],
  'script-src': ["'self'", "'unsafe-inline'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'connect-src': ["'self'"],
  'img-src': ["'self'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
});

/** Whether a path is one of Next.js's pages (or their assets) rather than the API under /api. */
function isPage(pathname: string): boolean {
  return pathname !== '/api' && !pathname.startsWith('/api/');
}

/**
 * The headers the front server sets on a response to `pathname` before anything else writes it.
 * The reference at /api/docs states its own policy (app/api/docs/reference.ts): it depends on the
 * page Scalar renders.
 */
export function securityHeaders(pathname: string): Record<string, string> {
  return isPage(pathname) ? { ...SECURITY_HEADERS, 'Content-Security-Policy': PAGE_POLICY } : { ...SECURITY_HEADERS };
}
