import { z } from '../zod.ts';
import { defineOperation, json } from '../operation.ts';
import { bearer, publicAccess } from '../shared/auth.ts';
import { Me, MeUpdate, meExample, User, UserCreate, userExample, Username } from './schemas.ts';
import { emailTaken, usernameTaken, userNotFound } from './errors.ts';
import { defineResource } from '../resource.ts';

const TAG = 'Users';
const tags = [TAG] as const;

export const createUser = defineOperation({
  operationId: 'createUser',
  method: 'post',
  path: '/api/v1/users',
  summary: 'Register',
  description:
    'Creates an account. Sign in afterwards with `createToken` to get an access token. ' +
    'The email (regardless of case) and the username must be unused.',
  tags,
  auth: publicAccess,
  rateLimit: 'auth',
  request: {
    body: {
      description: 'The new account.',
      ...json(UserCreate, {
        email: 'ada@example.com',
        username: 'ada_lovelace',
        display_name: 'Ada Lovelace',
        password: 'correct horse battery staple',
      }),
    },
  },
  responses: {
    201: {
      description: 'The account was created.',
      content: json(Me, meExample),
      headers: z.object({
        Location: z.string().openapi({ description: 'The public profile of the new user.', example: '/api/v1/users/ada_lovelace' }),
      }),
    },
  },
  errors: [emailTaken, usernameTaken],
});

export const getUser = defineOperation({
  operationId: 'getUser',
  method: 'get',
  path: '/api/v1/users/{username}',
  summary: 'Get a profile',
  description: 'Returns a user’s public profile by username.',
  tags,
  auth: publicAccess,
  request: { params: z.object({ username: Username }) },
  responses: { 200: { description: 'The profile.', content: json(User, userExample) } },
  errors: [userNotFound],
});

export const getMe = defineOperation({
  operationId: 'getMe',
  method: 'get',
  path: '/api/v1/me',
  summary: 'Get the current user',
  description: 'Returns the account the token belongs to, with its private fields. Needs the `users:read` scope.',
  tags,
  auth: bearer('users:read'),
  responses: { 200: { description: 'The account.', content: json(Me, meExample) } },
  errors: [],
});

export const updateMe = defineOperation({
  operationId: 'updateMe',
  method: 'patch',
  path: '/api/v1/me',
  summary: 'Update the current user',
  description:
    'Changes the fields present and leaves the others as they are, and answers with the account, its private fields included ' +
    '(a token that may change them may read them). Needs the `users:write` scope.',
  tags,
  auth: bearer('users:write'),
  request: { body: { description: 'The fields to change.', ...json(MeUpdate, { display_name: 'Augusta Ada King' }) } },
  responses: { 200: { description: 'The updated account.', content: json(Me, { ...meExample, display_name: 'Augusta Ada King' }) } },
  errors: [emailTaken, usernameTaken],
});

export const users = defineResource({
  tag: { name: TAG, description: 'Accounts and public profiles.' },
  operations: [createUser, getUser, getMe, updateMe],
});
