/** PostgreSQL's unique_violation, from pg or PGlite (both expose SQLSTATE as `code`). */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { code?: unknown; constraint?: unknown };
  return e.code === '23505' && (constraint === undefined || e.constraint === constraint);
}

// SQLSTATEs of a database that is away, restarting, overloaded or out of time.
const UNAVAILABLE_STATES = new Set(['57014', '57P01', '57P02', '57P03', '53300', '53400']);
// Node's socket errors when the server cannot be reached or drops the connection.
const UNREACHABLE_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);

/**
 * A database failure the client can do nothing about but wait: the server refusing or dropping
 * connections (class 08, admin shutdown, starting up, too many connections), a statement
 * cancelled by statement_timeout, no pooled connection within the connect timeout, or the embedded
 * database closing under a request as the process stops. The binding answers these with a 503 and
 * Retry-After, never a 500.
 */
export function isTransientDatabaseError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (code.startsWith('08') || UNAVAILABLE_STATES.has(code) || UNREACHABLE_ERRNOS.has(code))) return true;
  // node-postgres reports these without a code; so do PGlite, pg's pool and Kysely once this
  // process has closed (or is closing) the database as it stops — the next instance serves then.
  return typeof message === 'string' && (CONNECTION_LOST.test(message) || CLOSED_BY_SHUTDOWN.has(message));
}

// node-postgres, when its connection fails or dies: also what a ROLLBACK on a dead connection reports,
// in place of the error that killed the transaction.
/** node-postgres's error when no answer came within query_timeout (a database that stopped answering, server/db/index.ts). */
export const QUERY_READ_TIMEOUT = 'Query read timeout';

const CONNECTION_LOST = new RegExp(
  `^(timeout exceeded when trying to connect|Connection terminated|Client has encountered a connection error and is not queryable|Client was closed and is not queryable|${QUERY_READ_TIMEOUT})`,
);

const CLOSED_BY_SHUTDOWN = new Set([
  'PGlite is closing',
  'PGlite is closed',
  'PGlite instance is already closed.',
  'Cannot use a pool after calling end on the pool',
  'driver has already been destroyed',
]);
