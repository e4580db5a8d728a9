import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { SCOPES, type Scope } from '../../contracts/shared/auth.ts';
import type { MeResource } from '../../contracts/users/schemas.ts';
import { send } from './contract-assertions.ts';
import { ADMIN } from './folio-server.ts';

export interface Account {
  user: MeResource;
  email: string;
  password: string;
  token: string;
  tokenId: string;
  auth: { Authorization: string };
}

export const PASSWORD = 'correct horse battery staple';

/** Signs in and returns a new token's secret and id. */
export async function issueToken(
  baseUrl: string,
  credentials: { email: string; password: string },
  options: { scopes?: Scope[]; expiresIn?: number } = {},
): Promise<{ token: string; tokenId: string }> {
  const res = await send(baseUrl, '/api/v1/tokens', {
    method: 'POST',
    json: { email: credentials.email, password: credentials.password, name: 'test', scopes: options.scopes, expires_in: options.expiresIn },
  });
  expect(res.status, res.text).toBe(201);
  const body = res.body as { token: string; id: string };
  return { token: body.token, tokenId: body.id };
}

/**
 * Registers a fresh user and signs in with the given scopes (by default every scope but admin);
 * or, for `admin`, signs in as the server's administrator (tests/support/folio-server.ts ADMIN)
 * with every scope.
 */
export async function signUp(baseUrl: string, options: { admin?: boolean; scopes?: Scope[] } = {}): Promise<Account> {
  let email: string;
  let password: string;
  if (options.admin) {
    ({ email, password } = ADMIN);
  } else {
    const name = `u${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    email = `${name}@example.com`;
    password = PASSWORD;
    const created = await send(baseUrl, '/api/v1/users', {
      method: 'POST',
      json: { email, username: name, display_name: `User ${name}`, password },
    });
    expect(created.status, created.text).toBe(201);
  }
  const scopes = options.scopes ?? (options.admin ? [...SCOPES] : undefined);
  const { token, tokenId } = await issueToken(baseUrl, { email, password }, { scopes });
  const auth = { Authorization: `Bearer ${token}` };
  // Read the account with a token that may (a narrow one may not read private fields).
  const reader = scopes && !scopes.includes('users:read') ? (await issueToken(baseUrl, { email, password }, { scopes: ['users:read'] })).token : token;
  const me = await send(baseUrl, '/api/v1/me', { headers: { Authorization: `Bearer ${reader}` } });
  expect(me.status, me.text).toBe(200);
  return { user: me.body as MeResource, email, password, token, tokenId, auth };
}
