import { z } from '../zod.ts';
import { identifier, text, Timestamp } from '../shared/primitives.ts';

export const UserId = identifier('user', 'The user’s opaque identifier.', 'user_01jdq8m4k2c9v7x3n5r6t8w0yz');

export const Username = z
  .string()
  .min(3)
  .max(30)
  .regex(/^[a-z0-9](?:[a-z0-9_]*[a-z0-9])?$/, 'lowercase letters, digits and inner underscores')
  .openapi({
    description: '3–30 lowercase letters, digits and underscores, starting and ending with a letter or digit. Unique.',
    example: 'ada_lovelace',
  });

/**
 * An ASCII dot-atom address (RFC 5321 `Dot-string@Domain`): the one rule both the document (as a
 * pattern next to `format: email`) and the runtime apply, so neither accepts what the other
 * refuses — no quoted local parts, address literals or control characters. It also holds what
 * common `format: email` validators check beyond the syntax: a local part of at most 64 octets
 * (RFC 5321 §4.5.3.1.1), labels of at most 63, and a top-level label of letters (or `xn--…`).
 * Unique regardless of case: `Ada@Example.com` and `ada@example.com` are the same account.
 */
const ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
// A top-level label as the registry issues them: letters, or an IDN's `xn--` form.
const TOP_LABEL = '(?:[A-Za-z]{2,63}|[Xx][Nn]--[A-Za-z0-9](?:[A-Za-z0-9-]{0,57}[A-Za-z0-9])?)';
const EMAIL = new RegExp(`^(?=[^@]{1,64}@)${ATOM}(?:\\.${ATOM})*@(?:${LABEL}\\.)+${TOP_LABEL}$`);

export const Email = z
  .string()
  .max(254)
  .regex(EMAIL, 'must be an email address (ASCII, local@domain.tld, a local part of at most 64 characters)')
  .openapi({ format: 'email', description: 'An email address (ASCII), unique regardless of case.', example: 'ada@example.com' });

// As sent: accounts made before names had to contain a visible character may have a blank one.
const DisplayName = text({ min: 1, max: 100 }).openapi({ description: 'The name shown to others.', example: 'Ada Lovelace' });
const NewDisplayName = text({ min: 1, max: 100, nonBlank: true }).openapi({ description: 'The name shown to others: not only whitespace.', example: 'Ada Lovelace' });

const PASSWORD_MIN = 10;
// Counted as it is hashed too (server/auth/password.ts hashes the NFC form): `e` + a combining
// accent is one character, not two. (A password short as typed gets the length issue alone.)
const Password = text({ min: PASSWORD_MIN, max: 200, nonBlank: true })
  .refine(
    (password) => password.length < PASSWORD_MIN || password.normalize('NFC').length >= PASSWORD_MIN,
    `must be at least ${PASSWORD_MIN} characters once normalised (NFC), as it is hashed`,
  )
  .openapi({
    description: `At least ${PASSWORD_MIN} characters, not all of them whitespace. Stored only as a memory-hard hash; never returned or logged.`,
    example: 'correct horse battery staple',
  });

const profile = {
  id: UserId,
  username: Username,
  display_name: DisplayName,
  created_at: Timestamp.openapi({ description: 'When the account was created (RFC 3339, UTC).' }),
};

export const User = z.object(profile).openapi('User', { description: 'A public profile.' });

export const Me = z
  .object({
    ...profile,
    email: Email,
    updated_at: Timestamp.openapi({ description: 'When the account last changed (RFC 3339, UTC).' }),
  })
  .openapi('Me', { description: 'The signed-in account, with its private fields.' });

export const UserCreate = z
  .strictObject({ email: Email, username: Username, display_name: NewDisplayName, password: Password })
  .openapi('UserCreate', { description: 'A new account.' });

export const MeUpdate = z
  .strictObject({ email: Email.optional(), username: Username.optional(), display_name: NewDisplayName.optional() })
  .openapi('MeUpdate', { description: 'A partial update of the signed-in account: only the fields present change.' });

export const userExample: z.input<typeof User> = {
  id: 'user_01jdq8m4k2c9v7x3n5r6t8w0yz',
  username: 'ada_lovelace',
  display_name: 'Ada Lovelace',
  created_at: '2026-11-21T09:30:00.000Z',
};

export const meExample: z.input<typeof Me> = { ...userExample, email: 'ada@example.com', updated_at: '2026-11-21T09:30:00.000Z' };

export type UserResource = z.infer<typeof User>;
export type MeResource = z.infer<typeof Me>;
export type UserCreateInput = z.infer<typeof UserCreate>;
export type MeUpdateInput = z.infer<typeof MeUpdate>;
