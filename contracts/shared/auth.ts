import { z } from '../zod.ts';

/** What a token may do. `admin` may act on anyone's resources. */
export const SCOPES = ['posts:read', 'posts:write', 'comments:write', 'users:write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export const ScopeSchema = z.enum(SCOPES).openapi({
  description:
    '`posts:read` reads drafts, `posts:write` creates and edits posts, `comments:write` comments, ' +
    '`users:write` edits the account, `admin` acts on anyone’s resources. New scopes may be added.',
  example: 'posts:write',
});

/**
 * Who may call an operation — every contract must say, there is no default:
 * - `public`: anyone; credentials are not read.
 * - `optional`: anyone, but a token, when sent, must be valid and changes what is visible.
 * - `bearer`: a valid token holding every listed scope.
 */
export type Auth = { type: 'public' } | { type: 'optional' } | { type: 'bearer'; scopes: readonly Scope[] };

export const publicAccess = { type: 'public' } as const;
export const optionalBearer = { type: 'optional' } as const;
export function bearer<const S extends readonly Scope[]>(...scopes: S) {
  return { type: 'bearer', scopes } as const;
}

/** The name of the security scheme in the document (`components.securitySchemes`). */
export const BEARER_SCHEME = 'bearerAuth';

/** Rate-limit classes: reads, writes, and sign-in/registration (the strictest, to slow guessing). */
export type RateLimitClass = 'read' | 'write' | 'auth';
