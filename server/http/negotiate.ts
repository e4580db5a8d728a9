import Negotiator from 'negotiator';
import type { OperationSpec } from '../../contracts/operation.ts';
import { AppError } from '../errors.ts';

/** The media types an operation's success responses offer, JSON first (the default). */
export function offeredMediaTypes(op: OperationSpec): string[] {
  const types = new Set<string>();
  for (const response of Object.values(op.responses)) {
    if (response?.content) types.add('application/json');
    if (response?.alternative) types.add(response.alternative.mediaType);
    for (const type of response?.binary?.mediaTypes ?? []) types.add(type);
  }
  return [...types];
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
  // Problems are JSON too: a client that accepts only problem+json still gets JSON.
  const chosen = new Negotiator({ headers: { accept } }).mediaType([...offered, 'application/problem+json']);
  if (chosen === 'application/problem+json') return offered[0];
  if (!chosen) throw new AppError('not_acceptable', `This operation can answer with ${offered.join(' or ')}.`);
  return chosen;
}
