import { defineError } from '../shared/errors.ts';

export const eventNotFound = defineError({
  code: 'event_not_found',
  status: 404,
  title: 'Event not found',
  explanation: 'No event you may see has this id. Events are kept for a limited time (30 days by default), then swept.',
  remedy: 'Start again without `after` (or `Last-Event-ID`): the list from the oldest event kept, the stream from now.',
});

export const tooManyStreams = defineError({
  code: 'too_many_streams',
  status: 429,
  title: 'Too many open event streams',
  explanation: 'The caller (an account, or an address without a token) already has as many event streams open as it may.',
  remedy: 'Close a stream you no longer read, or share one stream across the parts of your application.',
});
