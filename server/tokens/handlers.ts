import * as contract from '../../contracts/tokens/operations.ts';
import { bind } from '../http/bind.ts';
import * as tokens from './service.ts';

export const createToken = bind(contract.createToken, async ({ body }) => ({ status: 201, body: await tokens.createToken(body) }));

export const listTokens = bind(contract.listTokens, async ({ caller }) => ({
  status: 200,
  body: { data: await tokens.listTokens(caller.userId) },
}));

export const deleteToken = bind(contract.deleteToken, async ({ caller, params }) => {
  await tokens.revokeToken(caller.userId, params.tokenId);
  return { status: 204 };
});
