import { sql } from 'kysely';
import { SCOPES, type Scope } from '../../contracts/shared/auth.ts';
import type { TokenCreateInput, TokenResource } from '../../contracts/tokens/schemas.ts';
import { dummyHash, verifyPassword } from '../auth/password.ts';
import { liveToken, newTokenSecret } from '../auth/tokens.ts';
import { db } from '../db/index.ts';
import type { TokenRow } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { fail } from '../failure.ts';
import { PIPELINE_ERRORS } from '../../contracts/shared/errors.ts';
import { invalidCredentials, tokenNotFound } from '../../contracts/tokens/errors.ts';
import { newId } from '../ids.ts';
import { consume, emailBucket } from '../http/rate-limit.ts';

const DEFAULT_SCOPES = SCOPES.filter((scope) => scope !== 'admin');

function toToken(row: TokenRow): TokenResource {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    created_at: row.created_at.toISOString(),
    expires_at: row.expires_at?.toISOString() ?? null,
    last_used_at: row.last_used_at?.toISOString() ?? null,
  };
}

/**
 * Signs in. An unknown email costs the same password-hash work as a wrong password, and both
 * answer the same 401: nothing tells which part was wrong. Attempts count against the `auth`
 * limit per email as well as per client address, so guessing one account's password from many
 * addresses is throttled too (unknown emails are counted alike, so the limit reveals nothing).
 */
export async function createToken(input: TokenCreateInput) {
  const attempts = await consume('auth', emailBucket(input.email));
  if (attempts.limited) {
    throw new AppError('rate_limited', `Too many sign-in attempts for this account; retry in ${attempts.retryAfterSeconds} s.`, {
      headers: { 'Retry-After': String(attempts.retryAfterSeconds) },
    });
  }
  const user = await db()
    .selectFrom('users')
    .select(['id', 'password_hash', 'is_admin'])
    .where(sql<string>`lower(email)`, '=', input.email.toLowerCase())
    .executeTakeFirst();
  const valid = await verifyPassword(input.password, user?.password_hash ?? dummyHash());
  if (!user || !valid) return fail(invalidCredentials, 'The email or password is wrong.');
  const scopes: Scope[] = [...new Set(input.scopes ?? DEFAULT_SCOPES)];
  if (scopes.includes('admin') && !user.is_admin) return fail(PIPELINE_ERRORS.forbidden, 'Only administrators may hold the admin scope.');
  const now = new Date();
  const { secret, hash, prefix } = newTokenSecret();
  const row = await db()
    .insertInto('tokens')
    .values({
      id: newId('tok'),
      user_id: user.id,
      name: input.name ?? 'API token',
      secret_hash: hash,
      prefix,
      scopes,
      created_at: now,
      expires_at: input.expires_in ? new Date(now.getTime() + input.expires_in * 1000) : null,
      last_used_at: null,
      revoked_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { ...toToken(row), token: secret };
}

export async function listTokens(userId: string): Promise<TokenResource[]> {
  const rows = await db()
    .selectFrom('tokens')
    .selectAll()
    .where('user_id', '=', userId)
    .where(liveToken)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map(toToken);
}

/** Revokes one of the caller's live tokens; anyone else's, or an unknown one, is 404 alike. */
export async function revokeToken(userId: string, tokenId: string) {
  const revoked = await db()
    .updateTable('tokens')
    .set({ revoked_at: new Date() })
    .where('id', '=', tokenId)
    .where('user_id', '=', userId)
    .where(liveToken)
    .returning('id')
    .executeTakeFirst();
  return revoked ? undefined : fail(tokenNotFound, `You have no live token ${tokenId}.`);
}
