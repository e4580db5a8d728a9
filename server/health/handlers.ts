import * as contract from '../../contracts/health/operations.ts';
import { bind } from '../http/bind.ts';
import { checkReadiness } from './checks.ts';
import { release } from './release.ts';

/** The process answers: nothing else is asked (no database, no credentials, no rate limit). */
export const getLiveness = bind(contract.getLiveness, async () => ({ status: 200, body: { status: 'pass', ...release } }));

export const getReadiness = bind(contract.getReadiness, async () => {
  const { status, checks } = await checkReadiness();
  return status === 'fail' ? { status: 503, body: { status, ...release, checks } } : { status: 200, body: { status, ...release, checks } };
});
