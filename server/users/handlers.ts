import { expandPath } from '../../contracts/operation.ts';
import * as contract from '../../contracts/users/operations.ts';
import { isFailure } from '../failure.ts';
import { bind } from '../http/bind.ts';
import { respond } from '../http/respond.ts';
import * as users from './service.ts';

export const createUser = bind(contract.createUser, async ({ body }) => {
  const me = await users.createUser(body);
  if (isFailure(me)) return me;
  return { status: 201, body: me, headers: { Location: expandPath(contract.getUser.path, { username: me.username }) } };
});

export const getUser = bind(contract.getUser, async ({ params }) => respond(200, await users.getUser(params.username)));

export const getMe = bind(contract.getMe, async ({ caller }) => respond(200, await users.getMe(caller.userId)));

export const updateMe = bind(contract.updateMe, async ({ caller, body }) => respond(200, await users.updateMe(caller.userId, body)));
