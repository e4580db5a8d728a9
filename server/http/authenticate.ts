import type { Auth, Scope } from '../../contracts/shared/auth.ts';
import { hashToken, liveToken, TOKEN_PATTERN } from '../auth/tokens.ts';
import { db } from '../db/index.ts';
import { AppError } from '../errors.ts';
import { effectiveScopes, type Caller } from '../identity/caller.ts';
import { BEARER_CHALLENGE } from './problem.ts';

// last_used_at is kept to the minute: no write on every request.
const LAST_USED_PRECISION_MS = 60_000;

/** The challenge itself comes with every 401 (see problem()); here only the RFC 6750 error is added. */
function unauthorized(detail: string, error?: 'invalid_request' | 'invalid_token'): AppError {
  return new AppError('unauthorized', detail, error ? { headers: { 'WWW-Authenticate': `${BEARER_CHALLENGE}, error="${error}"` } } : {});
}

export type Authentication = { caller: Caller | null; failure?: AppError };

/**
 * Reads the bearer token, if the operation looks at credentials at all. A failure is returned,
 * not thrown, so the request is still counted against its client's rate limit before the 401.
 */
export async function authenticate(auth: Auth, request: Request): Promise<Authentication> {
  if (auth.type === 'public') return { caller: null };
  const header = request.headers.get('authorization');
  if (header === null) {
    return auth.type === 'optional' ? { caller: null } : { caller: null, failure: unauthorized('This operation needs a bearer token.') };
  }
  const match = /^Bearer +(\S+)\s*$/i.exec(header);
  if (!match || !TOKEN_PATTERN.test(match[1]!)) {
    return { caller: null, failure: unauthorized('Send the token as `Authorization: Bearer <token>`.', 'invalid_request') };
  }
  const now = new Date();
  const row = await liveTokens().where('tokens.secret_hash', '=', hashToken(match[1]!)).executeTakeFirst();
  if (!row) return { caller: null, failure: unauthorized('The token is unknown, expired or revoked.', 'invalid_token') };
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() >= LAST_USED_PRECISION_MS) {
    await db().updateTable('tokens').set({ last_used_at: now }).where('id', '=', row.id).execute();
  }
  return { caller: callerOf(row) };
}

/** Tokens neither revoked nor expired, with what a caller is made of. */
const liveTokens = () =>
  db()
    .selectFrom('tokens')
    .innerJoin('users', 'users.id', 'tokens.user_id')
    .select(['tokens.id', 'tokens.user_id', 'tokens.scopes', 'tokens.last_used_at', 'users.is_admin'])
    .where(liveToken);

const callerOf = (row: { id: string; user_id: string; scopes: Scope[]; is_admin: boolean }): Caller => ({
  userId: row.user_id,
  tokenId: row.id,
  scopes: effectiveScopes(row.scopes, row.is_admin),
});

/** `caller` as its token stands now (for a long-lived response, such as an event stream): null once revoked or expired. */
export async function reauthenticate(caller: Caller): Promise<Caller | null> {
  const row = await liveTokens().where('tokens.id', '=', caller.tokenId).executeTakeFirst();
  return row ? callerOf(row) : null;
}

/** 403 unless the caller holds every scope the contract lists. */
export function authorize(auth: Auth, caller: Caller | null): void {
  if (auth.type !== 'bearer' || !caller) return;
  const missing = auth.scopes.filter((scope) => !caller.scopes.has(scope));
  if (missing.length > 0) throw new AppError('forbidden', `The token lacks the scope ${missing.join(', ')}.`);
}
