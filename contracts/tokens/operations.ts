import { z } from '../zod.ts';
import { defineOperation, json } from '../operation.ts';
import { bearer, publicAccess } from '../shared/auth.ts';
import { TokenCreate, TokenCreated, TokenId, TokenList, tokenExample } from './schemas.ts';
import { PIPELINE_ERRORS } from '../shared/errors.ts';
import { invalidCredentials, tokenNotFound } from './errors.ts';
import { defineResource } from '../resource.ts';

const TAG = 'Tokens';
const tags = [TAG] as const;

export const createToken = defineOperation({
  operationId: 'createToken',
  method: 'post',
  path: '/api/v1/tokens',
  summary: 'Sign in (issue a token)',
  description:
    'Exchanges an email and password for an access token, shown once. Wrong credentials answer 401 without saying ' +
    'which part was wrong. Also issues long-lived, narrowly scoped API keys for partners (`scopes`, no `expires_in`). ' +
    'Rate-limited strictly per client address.',
  tags,
  auth: publicAccess,
  rateLimit: 'auth',
  request: {
    body: {
      description: 'Credentials and the token wanted.',
      ...json(TokenCreate, { email: 'ada@example.com', password: 'correct horse battery staple', name: 'CLI', expires_in: 86_400 }),
    },
  },
  responses: {
    201: {
      description: 'The token, with its secret.',
      content: json(TokenCreated, { ...tokenExample, token: 'folio_Xq3vR8mK2pL9sT4wY7zB1cD5fG8hJ0nQ3rU6vX9aE2i' }),
    },
  },
  errors: [invalidCredentials, PIPELINE_ERRORS.forbidden],
});

export const listTokens = defineOperation({
  operationId: 'listTokens',
  method: 'get',
  path: '/api/v1/tokens',
  summary: 'List your tokens',
  description: 'Lists the live tokens of the current user. Secrets are never shown again. Needs the `tokens:read` scope.',
  tags,
  auth: bearer('tokens:read'),
  responses: { 200: { description: 'Your tokens.', content: json(TokenList, { data: [tokenExample] }) } },
  errors: [],
});

export const deleteToken = defineOperation({
  operationId: 'deleteToken',
  method: 'delete',
  path: '/api/v1/tokens/{tokenId}',
  summary: 'Revoke a token',
  description:
    'Revokes one of your tokens at once; it then answers 401. Revoking the token you call with signs you out. ' +
    'Needs the `tokens:write` scope.',
  tags,
  auth: bearer('tokens:write'),
  request: { params: z.object({ tokenId: TokenId }) },
  responses: { 204: { description: 'The token was revoked.' } },
  errors: [tokenNotFound],
});

export const tokens = defineResource({
  tag: { name: TAG, description: 'Signing in: access tokens and partner API keys.' },
  operations: [createToken, listTokens, deleteToken],
});
