/**
 * Next.js drops the Content-Length a route handler sets (it may have decoded the body it forwards),
 * but a download's length is known and worth sending: clients show progress, and know a cut-short
 * transfer for what it is. The binding sends it under this name; the front server (server/start.ts)
 * turns it back into Content-Length before the headers go out. (Under `next dev`, which has no front
 * server, it stays as it is.)
 */
export const CONTENT_LENGTH_RELAY = 'X-Folio-Content-Length';
