import { z } from '../zod.ts';
import { SCOPES, ScopeSchema } from '../shared/auth.ts';
import { identifier, text, Timestamp } from '../shared/primitives.ts';
import { Email } from '../users/schemas.ts';

export const TokenId = identifier('tok', 'The token’s opaque identifier (not the secret).', 'tok_01jdq8m4k2c9v7x3n5r6t8w0yz');

const Scopes = z
  .array(ScopeSchema)
  .min(1)
  .max(SCOPES.length)
  .openapi({ description: 'What the token may do.', example: ['posts:read', 'posts:write'] });

export const Token = z
  .object({
    id: TokenId,
    name: text({ min: 1, max: 100 }).openapi({ description: 'A label to recognise the token by.', example: 'CI publisher' }),
    prefix: z.string().openapi({
      description: 'The first characters of the secret, to tell tokens apart without revealing them.',
      example: 'folio_Xq3vR8',
    }),
    scopes: Scopes,
    created_at: Timestamp.openapi({ description: 'When the token was issued (RFC 3339, UTC).' }),
    expires_at: Timestamp.nullable().openapi({ description: 'When the token stops working; null if never.', example: null }),
    last_used_at: Timestamp.nullable().openapi({
      description: 'When the token last authenticated a request (to the minute); null if never.',
      example: null,
    }),
  })
  .openapi('Token', { description: 'An access token, without its secret.' });

export const TokenCreated = z
  .object({
    ...Token.shape,
    token: z.string().openapi({
      description: 'The secret, shown only in this response: send it as `Authorization: Bearer <token>`. Folio keeps only a hash.',
      example: 'folio_Xq3vR8mK2pL9sT4wY7zB1cD5fG8hJ0nQ3rU6vX9aE2i',
    }),
  })
  .openapi('TokenCreated', { description: 'A new token, with its secret. Store it now: it cannot be shown again.' });

export const TokenCreate = z
  .strictObject({
    email: Email,
    password: text({ min: 1, max: 200 }).openapi({ description: 'The account’s password.', example: 'correct horse battery staple' }),
    name: text({ min: 1, max: 100, nonBlank: true }).optional().openapi({ description: 'A label; defaults to "API token".', example: 'CI publisher' }),
    scopes: Scopes.optional().openapi({
      description: 'Narrow the token to these scopes. Defaults to every scope but `admin`; `admin` is granted only to administrators.',
    }),
    expires_in: z
      .number()
      .int()
      .min(1)
      .max(31_536_000)
      .optional()
      .openapi({ description: 'Lifetime in seconds (up to a year). Omit for a token that does not expire.', example: 86_400 }),
  })
  .openapi('TokenCreate', { description: 'Credentials, and what the new token may do.' });

export const TokenList = z
  .object({ data: z.array(Token).openapi({ description: 'Your live tokens, newest first (revoked and expired ones are not listed).' }) })
  .openapi('TokenList', { description: 'Your tokens.' });

export const tokenExample: z.input<typeof Token> = {
  id: 'tok_01jdq8m4k2c9v7x3n5r6t8w0yz',
  name: 'CI publisher',
  prefix: 'folio_Xq3vR8',
  scopes: ['posts:read', 'posts:write'],
  created_at: '2026-11-21T09:30:00.000Z',
  expires_at: null,
  last_used_at: null,
};

export type TokenResource = z.infer<typeof Token>;
export type TokenCreateInput = z.infer<typeof TokenCreate>;
