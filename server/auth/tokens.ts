import { createHash, randomBytes } from 'node:crypto';
import type { ExpressionBuilder } from 'kysely';
import type { Database } from '../db/schema.ts';

const TOKEN_PREFIX = 'folio_';
/** `folio_` and 32 random bytes in base64url. */
export const TOKEN_PATTERN = /^folio_[A-Za-z0-9_-]{43}$/;

export function newTokenSecret(): { secret: string; hash: string; prefix: string } {
  const secret = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  return { secret, hash: hashToken(secret), prefix: secret.slice(0, TOKEN_PREFIX.length + 6) };
}

/** Tokens are 256 random bits, so a fast hash is enough; only the hash is stored. */
export function hashToken(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** A token neither revoked nor expired: what authenticates, and what its owner lists and may revoke. */
export const liveToken = (eb: ExpressionBuilder<Database, 'tokens'>) =>
  eb.and([eb('tokens.revoked_at', 'is', null), eb.or([eb('tokens.expires_at', 'is', null), eb('tokens.expires_at', '>', new Date())])]);
