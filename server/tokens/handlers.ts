import * as contract from '../../contracts/tokens/operations.ts';
import { bind } from '../http/bind.ts';
import { respond } from '../http/respond.ts';
import * as tokens from './service.ts';

export const createToken = bind(contract.createToken, async ({ body }) => respond(201, await tokens.createToken(body)));

export const listTokens = bind(contract.listTokens, async ({ caller }) => respond(200, { data: await tokens.listTokens(caller.userId) }));

export const deleteToken = bind(contract.deleteToken, async ({ caller, params }) => respond(204, await tokens.revokeToken(caller.userId, params.tokenId)));
