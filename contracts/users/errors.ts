import { defineError } from '../shared/errors.ts';

export const userNotFound = defineError({
  code: 'user_not_found',
  status: 404,
  title: 'User not found',
  explanation: 'No account has this username.',
  remedy: 'Check the username (lowercase letters, digits and underscores).',
});

export const emailTaken = defineError({
  code: 'email_taken',
  status: 409,
  title: 'Email already registered',
  explanation: 'Another account already uses this email address (compared regardless of case).',
  remedy: 'Sign in to that account instead (`POST /api/v1/tokens`), or use another address.',
});

export const usernameTaken = defineError({
  code: 'username_taken',
  status: 409,
  title: 'Username already taken',
  explanation: 'Another account already uses this username.',
  remedy: 'Choose another username.',
});
