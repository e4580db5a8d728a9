import * as contract from '../../contracts/events/operations.ts';
import { bind } from '../http/bind.ts';
import { respond } from '../http/respond.ts';
import { isFailure } from '../failure.ts';
import * as events from './service.ts';

export const listEvents = bind(contract.listEvents, async ({ query, caller }) => respond(200, await events.listEvents(query, caller)));

export const streamEvents = bind(contract.streamEvents, async ({ query, headers, caller, signal, clientKey }) => {
  // Streams are counted per account, or per address without a token (as rate limits are).
  const stream = await events.openStream(clientKey, { caller, types: query.types, after: headers['last-event-id'] ?? query.after, follow: query.follow, signal });
  return isFailure(stream) ? stream : { status: 200, events: stream };
});
