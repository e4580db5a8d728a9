import { expandPath } from '../../contracts/operation.ts';
import * as contract from '../../contracts/users/operations.ts';
import { bind } from '../http/bind.ts';
import * as users from './service.ts';

export const createUser = bind(contract.createUser, async ({ body }) => {
  const me = await users.createUser(body);
  return { status: 201, body: me, headers: { Location: expandPath(contract.getUser.path, { username: me.username }) } };
});

export const getUser = bind(contract.getUser, async ({ params }) => ({ status: 200, body: await users.getUser(params.username) }));

export const getMe = bind(contract.getMe, async ({ caller }) => ({ status: 200, body: await users.getMe(caller.userId) }));

export const updateMe = bind(contract.updateMe, async ({ caller, body }) => ({
  status: 200,
  body: await users.updateMe(caller.userId, body),
}));
