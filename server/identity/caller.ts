import type { Scope } from '../../contracts/shared/auth.ts';

/** Who is calling: the user and token behind a valid bearer token. */
export interface Caller {
  userId: string;
  tokenId: string;
  scopes: ReadonlySet<Scope>;
}

export function hasScope(caller: Caller | null, scope: Scope): boolean {
  return caller !== null && caller.scopes.has(scope);
}

/** Admins act on anyone's resources; everyone else only on their own. */
export function canActFor(caller: Caller | null, ownerId: string): boolean {
  return caller !== null && (caller.userId === ownerId || caller.scopes.has('admin'));
}
