import type { Scope } from '../../contracts/shared/auth.ts';

/** Who is calling: the user and token behind a valid bearer token. */
export interface Caller {
  userId: string;
  tokenId: string;
  scopes: ReadonlySet<Scope>;
}

/**
 * A token's scopes as they count now: `admin` only while its user is still an administrator, so
 * withdrawing the right (npm run admin -- revoke) takes effect at once, without hunting tokens —
 * for a request's token and for the token a webhook endpoint was made with alike.
 */
export function effectiveScopes(scopes: readonly Scope[], isAdmin: boolean): Set<Scope> {
  return new Set(isAdmin ? scopes : scopes.filter((scope) => scope !== 'admin'));
}

export function hasScope(caller: Caller | null, scope: Scope): boolean {
  return caller !== null && caller.scopes.has(scope);
}

/** Admins act on anyone's resources; everyone else only on their own. */
export function canActFor(caller: Caller | null, ownerId: string): boolean {
  return caller !== null && (caller.userId === ownerId || caller.scopes.has('admin'));
}
