import { z } from '../zod.ts';
import { defineOperation, json } from '../operation.ts';
import { defineResource } from '../resource.ts';
import { optionalBearer } from '../shared/auth.ts';
import { HeaderText } from '../shared/protocol.ts';
import { paginationQuery } from '../shared/pagination.ts';
import { eventNotFound, tooManyStreams } from './errors.ts';
import { EVENT_SCHEMAS, EVENT_TYPE_NAMES, EventId, EventPage, EventTypeFilter, eventExample, eventSchemaName } from './schemas.ts';

const TAG = 'Events';
const tags = [TAG] as const;

/** How far behind the live events a stream's client may fall before it is let go (it resumes from the log instead). */
export const STREAM_MAX_PENDING = 10_000;

const VISIBILITY =
  'Everyone sees events about published content and accounts; events about a draft (and its comments) reach only its author, ' +
  'reading with `posts:read`, and administrators; `inbound.received` events reach administrators only.';

const types = z
  .array(EventTypeFilter)
  .max(EVENT_TYPE_NAMES.length)
  .optional()
  .openapi({ description: 'Only events of these types. Repeat it (`?types=post.published&types=post.deleted`) for several.', example: undefined });

export const listEvents = defineOperation({
  operationId: 'listEvents',
  method: 'get',
  path: '/api/v1/events',
  summary: 'List events',
  description:
    'The log of what changed, oldest first, a page at a time; events are kept for 30 days. The order is the order in which ' +
    'changes committed (an event is listed once every change that began before it has ended), so `created_at`, taken as ' +
    'each change was made, can be a moment out of order between concurrent changes. Start after an event you have ' +
    `with \`after\`, and follow \`next_cursor\`. ${VISIBILITY}`,
  tags,
  auth: optionalBearer,
  request: {
    query: z.object({
      ...paginationQuery,
      types,
      after: EventId.optional().openapi({ description: 'Only events after this one (an event id you have).', example: undefined }),
    }),
  },
  responses: { 200: { description: 'A page of events, oldest first.', content: json(EventPage, { data: [eventExample], has_more: false, next_cursor: null }) } },
  errors: [eventNotFound],
});

export const streamEvents = defineOperation({
  operationId: 'streamEvents',
  method: 'get',
  path: '/api/v1/events/stream',
  summary: 'Stream events',
  description:
    'Server-Sent Events: each change as it happens, as `id:` (the event id), `event:` (its type) and `data:` (the event as ' +
    'JSON). To resume, send the last id you have as `Last-Event-ID` (or `after`, for clients that cannot set headers): the ' +
    'events you missed come first, in order, then the live ones — none twice, none skipped. Without either, the stream starts ' +
    `now. \`follow=false\` ends it once the missed events are sent. A comment (\`: ping\`) keeps a quiet stream open. ${VISIBILITY} ` +
    'The server ends a stream — resume it with your last id — after its maximum age (an hour unless the operator says otherwise), ' +
    `when it shuts down, when the client falls ${STREAM_MAX_PENDING.toLocaleString('en')} events behind, and once its token is revoked or expires (checked at every ping). ` +
    'Use fetch to read it with a token: a browser’s EventSource cannot send `Authorization` (`@folio/client` does this for you).',
  tags,
  auth: optionalBearer,
  request: {
    query: z.object({
      types,
      after: EventId.optional().openapi({ description: 'Resume after this event (as `Last-Event-ID` does).', example: undefined }),
      follow: z
        .enum(['true', 'false'])
        .default('true')
        .transform((value) => value === 'true')
        .openapi({ type: 'boolean', default: true, description: 'Keep the stream open for new events (the default), or end it after the missed ones.', example: true }),
    }),
    headers: z.object({
      // Any string, as the SSE standard lets a client send back whatever `id:` it last saw: one
      // that names no event the caller may see is a 404, the same answer as an unknown event id.
      'last-event-id': HeaderText(100)
        .optional()
        .openapi({ description: 'The id of the last event you received: the stream resumes after it. One that names no event you may see is answered with 404 `event_not_found`.', example: undefined }),
    }),
  },
  responses: {
    200: {
      description: 'The stream of events.',
      stream: {
        events: EVENT_SCHEMAS,
        schemaName: eventSchemaName,
        description: 'One SSE event per change.',
        example: { id: eventExample.id, event: eventExample.type, data: JSON.stringify(eventExample) },
      },
    },
  },
  errors: [eventNotFound, tooManyStreams],
});

export const events = defineResource({
  tag: { name: TAG, description: 'What changed: a log to page through, and a live stream.' },
  operations: [listEvents, streamEvents],
});
