import { z } from '../zod.ts';

/**
 * What a token may do — each scope names one power, and a token can do only what its scopes name.
 * `admin` counts only while its holder is an administrator (an operator grants that: `npm run admin`).
 */
export const SCOPES = ['posts:read', 'posts:write', 'comments:write', 'users:read', 'users:write', 'tokens:read', 'tokens:write', 'media:read', 'media:write', 'webhooks:read', 'webhooks:write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** One line per scope, for the reference (the security scheme's description and ScopeSchema). */
export const SCOPE_DESCRIPTIONS: Record<Scope, string> = {
  'posts:read': 'read drafts (your own; every draft with `admin`)',
  'posts:write': 'create, edit and delete posts',
  'comments:write': 'comment, and edit or delete comments',
  'users:read': 'read the account’s private fields (`GET /api/v1/me`: email)',
  'users:write': 'change the account',
  'tokens:read': 'list the account’s tokens',
  'tokens:write': 'revoke the account’s tokens',
  'media:read': 'list your media, and read media no published post shows',
  'media:write': 'upload, change and delete your media',
  'webhooks:read': 'read the account’s webhook endpoints and their deliveries',
  'webhooks:write': 'create, change, test and delete the account’s webhook endpoints; redeliver',
  admin: 'act on anyone’s resources (administrators only)',
};

export const ScopeSchema = z.enum(SCOPES).openapi({
  description: `${SCOPES.map((s) => `\`${s}\`: ${SCOPE_DESCRIPTIONS[s]}`).join('; ')}. New scopes may be added: tolerate unknown ones.`,
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
