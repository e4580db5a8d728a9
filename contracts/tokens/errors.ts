import { defineError } from '../shared/errors.ts';

export const tokenNotFound = defineError({
  code: 'token_not_found',
  status: 404,
  title: 'Token not found',
  explanation: 'You have no live token with this id: it never existed, belongs to someone else, or was already revoked or expired.',
  remedy: 'List your tokens (`GET /api/v1/tokens`) for the ids you can revoke.',
});

export const invalidCredentials = defineError({
  code: 'invalid_credentials',
  status: 401,
  title: 'Wrong email or password',
  explanation: 'The email and password do not match an account. For safety, the answer does not say which one is wrong.',
  remedy: 'Check both and try again; sign-in attempts are rate-limited per address and per email.',
});
