import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { Scope } from '../../contracts/shared/auth.ts';
import type { MeResource } from '../../contracts/users/schemas.ts';
import { send } from './contract-assertions.ts';
import { ADMIN_EMAIL } from './folio-server.ts';

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
 * Registers a fresh user (or, for `admin`, the one administrator account of the server) and
 * signs in with the given scopes (by default every scope but admin; admins get admin too).
 */
export async function signUp(baseUrl: string, options: { admin?: boolean; scopes?: Scope[] } = {}): Promise<Account> {
  const name = `u${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const email = options.admin ? ADMIN_EMAIL : `${name}@example.com`;
  const created = await send(baseUrl, '/api/v1/users', {
    method: 'POST',
    json: { email, username: options.admin ? 'admin' : name, display_name: `User ${name}`, password: PASSWORD },
  });
  expect([201, 409], created.text).toContain(created.status);
  const scopes = options.scopes ?? (options.admin ? ['posts:read', 'posts:write', 'comments:write', 'users:write', 'admin'] : undefined);
  const { token, tokenId } = await issueToken(baseUrl, { email, password: PASSWORD }, { scopes });
  const auth = { Authorization: `Bearer ${token}` };
  const me = await send(baseUrl, '/api/v1/me', { headers: auth });
  expect(me.status, me.text).toBe(200);
  return { user: me.body as MeResource, email, password: PASSWORD, token, tokenId, auth };
}
