/**
 * Events: what changed, as a log. Each type is declared once here, with its payload — the one
 * source for the document (the list, the stream and, later, webhooks), the runtime and the client.
 * Payloads are thin: the ids and the few fields a receiver needs to decide whether to re-fetch;
 * never a secret, never a draft's text. New types are added over time: receivers must tolerate
 * types they do not know.
 */
import { z } from '../zod.ts';
import { CommentId } from '../comments/schemas.ts';
import { page } from '../shared/pagination.ts';
import { identifier, Timestamp } from '../shared/primitives.ts';
import { DeliveryId, InboundEventType, InboundId, InboundSourceName } from '../inbound/schemas.ts';
import { PostId, PostStatus, Slug } from '../posts/schemas.ts';
import { UserId, Username } from '../users/schemas.ts';
import { WebhookEndpointId } from '../webhooks/ids.ts';

export const EventId = identifier('evt', 'The event’s identifier: unique. Not an order: the log’s is the order events are listed and streamed in (events written at once may have ids out of it).', 'evt_01jdq8m4k2c9v7x3n5r6t8w0yz');

const PostData = z
  .object({
    post_id: PostId,
    slug: Slug,
    status: PostStatus,
    author_id: UserId.openapi({ description: 'The post’s author.' }),
  })
  .openapi('PostEventData', { description: 'The post an event is about: fetch it by `post_id` for the rest.' });

const CommentData = z
  .object({
    comment_id: CommentId,
    post_id: PostId,
    author_id: UserId.openapi({ description: 'The comment’s author.' }),
  })
  .openapi('CommentEventData', { description: 'The comment an event is about, and its post.' });

const UserData = z.object({ user_id: UserId, username: Username }).openapi('UserEventData', { description: 'The account an event is about.' });

const EndpointData = z
  .object({
    endpoint_id: WebhookEndpointId,
    reason: z.enum(['gone', 'failing']).openapi({
      description: '`gone`: it answered 410. `failing`: every delivery failed for FOLIO_WEBHOOK_DISABLE_AFTER (5 days). Tolerate reasons you do not know.',
    }),
  })
  .openapi('WebhookEndpointEventData', { description: 'The webhook endpoint an event is about.' });

const InboundData = z
  .object({ inbound_id: InboundId, source: InboundSourceName, delivery_id: DeliveryId, type: InboundEventType })
  .openapi('InboundEventData', { description: 'A webhook Folio received and verified: which source sent it, and its ids.' });

/** Every event type: its payload, and what it means. */
export const EVENT_TYPES = {
  'post.created': { data: PostData, description: 'A post was created (as a draft, or published at once).' },
  'post.updated': { data: PostData, description: 'A post’s title, body, slug, excerpt or tags changed.' },
  'post.published': { data: PostData, description: 'A post became published.' },
  'post.unpublished': { data: PostData, description: 'A published post went back to draft: it is no longer public.' },
  'post.deleted': { data: PostData, description: 'A post was deleted, with its comments.' },
  'comment.created': { data: CommentData, description: 'A comment was added to a post.' },
  'comment.updated': { data: CommentData, description: 'A comment’s text changed.' },
  'comment.deleted': { data: CommentData, description: 'A comment was deleted.' },
  'user.created': { data: UserData, description: 'An account was registered.' },
  'webhook_endpoint.disabled': { data: EndpointData, description: 'Folio disabled one of your webhook endpoints; it receives nothing until re-enabled.' },
  'inbound.received': { data: InboundData, description: 'A webhook from another system was verified and recorded (administrators only).' },
} as const;

export type EventType = keyof typeof EVENT_TYPES;
export const EVENT_TYPE_NAMES = Object.keys(EVENT_TYPES) as [EventType, ...EventType[]];
export type EventData<T extends EventType> = z.infer<(typeof EVENT_TYPES)[T]['data']>;

/** `post.created` → `PostCreatedEvent`: the component name of a type's envelope. */
export const eventSchemaName = (type: string) => `${type.replace(/(^|[._])([a-z])/g, (_, __, c: string) => c.toUpperCase())}Event`;

function envelope<T extends EventType>(type: T) {
  return z
    .object({
      id: EventId,
      type: z.literal(type).openapi({ description: `Always \`${type}\`.` }),
      created_at: Timestamp.openapi({ description: 'When the change was made (RFC 3339, UTC).' }),
      data: EVENT_TYPES[type].data,
    })
    .openapi(eventSchemaName(type), { description: `\`${type}\`: ${EVENT_TYPES[type].description}` });
}

/** Each type's envelope `{ id, type, created_at, data }`, by type. */
export const EVENT_SCHEMAS = Object.fromEntries(EVENT_TYPE_NAMES.map((type) => [type, envelope(type)])) as {
  [T in EventType]: ReturnType<typeof envelope<T>>;
};

const ENVELOPES = EVENT_TYPE_NAMES.map((type) => EVENT_SCHEMAS[type]) as unknown as [
  ReturnType<typeof envelope<EventType>>,
  ...ReturnType<typeof envelope<EventType>>[],
];

/** Any event, told apart by `type`. */
export const Event = z.discriminatedUnion('type', ENVELOPES).openapi('Event', {
  description: 'Something that changed: `type` says what, `data` which resource (fetch it for the rest). Tolerate types you do not know.',
});

export const EventTypeFilter = z.enum(EVENT_TYPE_NAMES).openapi({ description: 'An event type.', example: 'post.published' });

export const EventPage = page(Event, 'EventPage', 'A page of events, oldest first.');

export const eventExample: z.input<typeof Event> = {
  id: 'evt_01jdq8m4k2c9v7x3n5r6t8w0yz',
  type: 'post.published',
  created_at: '2026-11-21T09:30:00.000Z',
  data: { post_id: 'post_01jdq8m4k2c9v7x3n5r6t8w0yz', slug: 'hello-world', status: 'published', author_id: 'user_01jdq8m4k2c9v7x3n5r6t8w0yz' },
};

export type EventResource = z.infer<typeof Event>;
