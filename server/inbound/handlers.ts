import { inboundSourceNotFound, invalidSignature } from '../../contracts/inbound/errors.ts';
import * as contract from '../../contracts/inbound/operations.ts';
import { config } from '../config.ts';
import { fail } from '../failure.ts';
import { bind } from '../http/bind.ts';
import { challenge, SCHEMES } from './schemes.ts';
import * as inbound from './service.ts';

/**
 * Source, then signature over the raw bytes, then — only once verified — the body is parsed and
 * the delivery recorded. An unsigned request is a 401 whatever its body holds.
 */
export const receiveInbound = bind(contract.receiveInbound, async ({ params, headers, body }) => {
  const source = config.inboundSources.get(params.source);
  if (!source) return fail(inboundSourceNotFound, `No inbound source is named ${params.source}.`);
  const scheme = SCHEMES[source.scheme];
  const refused = await scheme.verify(body.bytes, headers, source.secrets, config.inboundToleranceSeconds);
  if (refused) return fail(invalidSignature, refused, { 'WWW-Authenticate': challenge(source.scheme) });
  const payload = body.parse();
  const receipt = await inbound.receive(source.name, scheme.facts(headers, payload), payload);
  return receipt.duplicate ? { status: 200, body: receipt } : { status: 202, body: receipt };
});
