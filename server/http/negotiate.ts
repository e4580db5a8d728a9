import Negotiator from 'negotiator';
import type { OperationSpec } from '../../contracts/operation.ts';
import { AppError } from '../errors.ts';

/** The media types an operation's responses offer, JSON (or the JSON type it declares) first (the default), else the event stream. */
export function offeredMediaTypes(op: OperationSpec): string[] {
  const types = new Set<string>();
  for (const response of Object.values(op.responses)) {
    if (response?.content) types.add(response.content.mediaType ?? 'application/json');
    if (response?.alternative) types.add(response.alternative.mediaType);
    if (response?.stream) types.add('text/event-stream');
    for (const type of response?.binary?.mediaTypes ?? []) types.add(type);
  }
  return [...types];
}

/**
 * Whether Accept refuses `type` outright (a range naming it, or its family, with q=0) rather than
 * not naming it: negotiator answers both alike, but a catch-all added at the lowest weight is
 * outranked only by a more specific range, which here says q=0.
 */
function refuses(accept: string, type: string): boolean {
  return new Negotiator({ headers: { accept: `${accept}, */*;q=0.001` } }).mediaType([type]) === undefined;
}

/**
 * Picks the representation the Accept header prefers among those offered (RFC 9110 proactive
 * negotiation, by the well-worn `negotiator`). No Accept means JSON; nothing acceptable is 406.
 * Operations with no body (204) accept anything.
 */
export function negotiate(offered: string[], request: Request): string | undefined {
  if (offered.length === 0) return undefined;
  const accept = request.headers.get('accept');
  if (!accept) return offered[0];
  // Problems are JSON too: a client that accepts only problem+json still gets JSON. And a `+json`
  // type is JSON (RFC 6839): a client that accepts application/json gets the health document.
  const jsonAlias = offered.some((type) => type.endsWith('+json')) && !offered.includes('application/json') ? ['application/json'] : [];
  const negotiator = new Negotiator({ headers: { accept } });
  let chosen = negotiator.mediaType([...offered, ...jsonAlias, 'application/problem+json']);
  if (chosen === 'application/problem+json' || (chosen && jsonAlias.includes(chosen))) {
    // …unless Accept refuses that type outright (`application/json;q=0, */*;q=0.1`): then another
    // it accepts (`…, text/csv;q=0.5`), or none.
    chosen = refuses(accept, offered[0]!) ? negotiator.mediaType(offered.slice(1)) : offered[0];
  }
  if (!chosen) throw new AppError('not_acceptable', `This operation can answer with ${offered.join(' or ')}.`);
  return chosen;
}
