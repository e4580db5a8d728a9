import type { Auth } from '../../contracts/shared/auth.ts';
import { hashToken, TOKEN_PATTERN } from '../auth/tokens.ts';
import { db } from '../db/index.ts';
import { AppError } from '../errors.ts';
import type { Caller } from '../identity/caller.ts';
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
  const row = await tokens().where('tokens.secret_hash', '=', hashToken(match[1]!)).executeTakeFirst();
  const caller = row && callerOf(row, now);
  if (!row || !caller) return { caller: null, failure: unauthorized('The token is unknown, expired or revoked.', 'invalid_token') };
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() >= LAST_USED_PRECISION_MS) {
    await db().updateTable('tokens').set({ last_used_at: now }).where('id', '=', row.id).execute();
  }
  return { caller };
}

const tokens = () =>
  db()
    .selectFrom('tokens')
    .innerJoin('users', 'users.id', 'tokens.user_id')
    .select(['tokens.id', 'tokens.user_id', 'tokens.scopes', 'tokens.expires_at', 'tokens.revoked_at', 'tokens.last_used_at', 'users.is_admin']);

type TokenRow = NonNullable<Awaited<ReturnType<ReturnType<typeof tokens>['executeTakeFirst']>>>;

/** The caller a token stands for now: none once it is revoked or expired. */
function callerOf(row: TokenRow, now: Date): Caller | null {
  if (row.revoked_at !== null || (row.expires_at !== null && row.expires_at <= now)) return null;
  // `admin` on a token counts only while its user is still an administrator: revoking the
  // right (npm run admin -- revoke) takes effect on the next request, without hunting tokens.
  const scopes = row.is_admin ? row.scopes : row.scopes.filter((scope) => scope !== 'admin');
  return { userId: row.user_id, tokenId: row.id, scopes: new Set(scopes) };
}

/** `caller` as its token stands now (for a long-lived response, such as an event stream): null once revoked or expired. */
export async function reauthenticate(caller: Caller): Promise<Caller | null> {
  const row = await tokens().where('tokens.id', '=', caller.tokenId).executeTakeFirst();
  return row ? callerOf(row, new Date()) : null;
}

/** 403 unless the caller holds every scope the contract lists. */
export function authorize(auth: Auth, caller: Caller | null): void {
  if (auth.type !== 'bearer' || !caller) return;
  const missing = auth.scopes.filter((scope) => !caller.scopes.has(scope));
  if (missing.length > 0) throw new AppError('forbidden', `The token lacks the scope ${missing.join(', ')}.`);
}
