import { z } from '../zod.ts';
import { EVENT_TYPE_NAMES, EventId } from '../events/schemas.ts';
import { page } from '../shared/pagination.ts';
import { text, Timestamp } from '../shared/primitives.ts';
import { WebhookDeliveryId, WebhookEndpointId } from './ids.ts';

export { WebhookDeliveryId, WebhookEndpointId };

/**
 * An http(s) URL. Only the shape is checked here; whether it may be called — not a loopback,
 * private, link-local or metadata address, before and after DNS — is the server's answer (422
 * webhook_url_refused), as it depends on DNS and on FOLIO_WEBHOOK_ALLOW_HOSTS.
 */
const WebhookUrl = z
  .string()
  .min(8)
  .max(2048)
  .regex(/^[Hh][Tt][Tt][Pp][Ss]?:\/\/[!-~]+$/)
  .openapi({ description: 'Where deliveries are POSTed: an `http` or `https` URL (at most 2048 characters).', example: 'https://partner.example.com/folio/webhooks' });

const Description = text({ max: 500 }).openapi({ description: 'What the endpoint is for (free text, for you).', example: 'Search index refresh' });

const EventTypeName = z.enum(EVENT_TYPE_NAMES).openapi('WebhookEventType', { description: 'An event type (see `webhooks` in this document).' });

const EventTypes = z
  .array(EventTypeName)
  .min(1)
  .max(EVENT_TYPE_NAMES.length)
  .nullable()
  .openapi({
    description: 'The event types delivered; `null` for every type, including those added later.',
    example: ['post.published', 'post.deleted'],
  });

export const DisabledReason = z.enum(['manual', 'gone', 'failing']).openapi({
  description: '`manual`: you disabled it. `gone`: it answered 410. `failing`: every delivery failed for FOLIO_WEBHOOK_DISABLE_AFTER (5 days). Null while enabled. Tolerate reasons you do not know.',
});

const Health = z
  .object({
    last_success_at: Timestamp.nullable().openapi({ description: 'The last delivery it acknowledged; null if none yet.' }),
    last_failure_at: Timestamp.nullable().openapi({ description: 'The last attempt that failed; null if none.' }),
    consecutive_failures: z.int().min(0).max(1_000_000_000).openapi({ description: 'Attempts failed in a row since the last success.', example: 0 }),
    failing_since: Timestamp.nullable().openapi({ description: 'When the current run of failures began; null when the last attempt succeeded.' }),
  })
  .openapi('WebhookEndpointHealth', { description: 'How deliveries to it have been going.' });

export const WebhookEndpoint = z
  .object({
    id: WebhookEndpointId,
    url: WebhookUrl,
    description: Description,
    event_types: EventTypes,
    enabled: z.boolean().openapi({ description: 'Whether it receives deliveries.', example: true }),
    disabled_reason: DisabledReason.nullable(),
    health: Health,
    previous_secret_expires_at: Timestamp.nullable().openapi({
      description: 'After a secret rotation, until when deliveries are also signed with the previous secret; null otherwise.',
    }),
    created_at: Timestamp.openapi({ description: 'When it was created (RFC 3339, UTC).' }),
    updated_at: Timestamp.openapi({ description: 'When it last changed (RFC 3339, UTC).' }),
  })
  .openapi('WebhookEndpoint', { description: 'Where Folio delivers events, signed: one of your own (administrators see all).' });

const Secret = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/]{43}=$/)
  .openapi({
    description: 'The signing secret, `whsec_` then 32 random bytes in base64: shown only now. Keep it secret; verify deliveries with it.',
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw8Nz4ZiM0Q7E=',
  });

export const WebhookEndpointCreated = WebhookEndpoint.extend({ secret: Secret }).openapi('WebhookEndpointCreated', {
  description: 'The new endpoint, with its signing secret (shown once).',
});

export const WebhookEndpointCreate = z
  .strictObject({
    url: WebhookUrl,
    description: Description.optional(),
    event_types: EventTypes.optional(),
  })
  .openapi('WebhookEndpointCreate', { description: 'A new endpoint. Without `event_types`, every type is delivered.' });

export const WebhookEndpointUpdate = z
  .strictObject({
    url: WebhookUrl.optional(),
    description: Description.optional(),
    event_types: EventTypes.optional(),
    enabled: z.boolean().optional().openapi({ description: '`false` disables it; `true` re-enables it and starts its health afresh.' }),
  })
  .openapi('WebhookEndpointUpdate', { description: 'The fields to change.' });

export const SecretRotation = z
  .object({
    secret: Secret,
    previous_secret_expires_at: Timestamp.openapi({ description: 'Until then deliveries carry a signature with the previous secret too.' }),
  })
  .openapi('WebhookSecretRotation', { description: 'The new signing secret (shown once), and until when the previous one still signs.' });

export const WebhookAttempt = z
  .object({
    attempted_at: Timestamp.openapi({ description: 'When the request was sent.' }),
    success: z.boolean().openapi({ description: 'Whether the endpoint acknowledged it (a 2xx).', example: true }),
    status_code: z.int().min(100).max(599).nullable().openapi({ description: 'The endpoint’s status code; null if none came back.', example: 200 }),
    latency_ms: z.int().min(0).max(86_400_000).openapi({ description: 'From sending to the answer (or to giving up).', example: 84 }),
    response_body: z.string().max(1024).nullable().openapi({ description: 'The first 1024 characters of the answer’s body; null if none.', example: 'ok' }),
    error: z
      .enum(['timeout', 'connection_failed', 'address_refused', 'dns_failed', 'redirect'])
      .nullable()
      .openapi({
        description:
          'Why no acceptable answer came, when that is not the status code: `timeout` (none within 15 s), `connection_failed`, ' +
          '`address_refused` (the name resolved to an address Folio may not call), `dns_failed`, `redirect` (3xx: not followed). ' +
          'Tolerate values you do not know.',
        example: null,
      }),
  })
  .openapi('WebhookAttempt', { description: 'One request to the endpoint and how it went.' });

export const WebhookTestResult = WebhookAttempt.extend({
  event_id: EventId.openapi({ description: 'The `ping` event’s id, sent as `webhook-id`.' }),
}).openapi('WebhookTestResult', { description: 'How the `ping` delivery went.' });

export const DeliveryState = z.enum(['pending', 'succeeded', 'failed']).openapi({
  description: '`pending`: an attempt is due (see `next_attempt_at`). `succeeded`: acknowledged. `failed`: every attempt failed, or the endpoint was disabled. Tolerate states you do not know.',
});

export const WebhookDelivery = z
  .object({
    id: WebhookDeliveryId,
    endpoint_id: WebhookEndpointId,
    event_id: EventId,
    event_type: z.string().openapi({ description: 'The event’s type.', example: 'post.published' }),
    state: DeliveryState,
    attempt_count: z.int().min(0).max(1_000_000_000).openapi({ description: 'Attempts made so far.', example: 1 }),
    attempts: z.array(WebhookAttempt).openapi({ description: 'The last 20 attempts, oldest first.' }),
    next_attempt_at: Timestamp.nullable().openapi({ description: 'When the next attempt is due; null unless pending.' }),
    created_at: Timestamp.openapi({ description: 'When the event was queued for this endpoint.' }),
    updated_at: Timestamp.openapi({ description: 'When its state last changed.' }),
  })
  .openapi('WebhookDelivery', { description: 'One event’s delivery to one endpoint, with its attempts.' });

export const WebhookEndpointPage = page(WebhookEndpoint, 'WebhookEndpointPage', 'A page of webhook endpoints, newest first.');
export const WebhookDeliveryPage = page(WebhookDelivery, 'WebhookDeliveryPage', 'A page of deliveries, newest first.');

const created = '2026-11-21T09:30:00.000Z';

export const webhookEndpointExample: z.input<typeof WebhookEndpoint> = {
  id: 'whe_01jdq8m4k2c9v7x3n5r6t8w0yz',
  url: 'https://partner.example.com/folio/webhooks',
  description: 'Search index refresh',
  event_types: ['post.published', 'post.deleted'],
  enabled: true,
  disabled_reason: null,
  health: { last_success_at: null, last_failure_at: null, consecutive_failures: 0, failing_since: null },
  previous_secret_expires_at: null,
  created_at: created,
  updated_at: created,
};

export const webhookAttemptExample: z.input<typeof WebhookAttempt> = {
  attempted_at: created,
  success: true,
  status_code: 200,
  latency_ms: 84,
  response_body: 'ok',
  error: null,
};

export const webhookDeliveryExample: z.input<typeof WebhookDelivery> = {
  id: 'whd_01jdq8m4k2c9v7x3n5r6t8w0yz',
  endpoint_id: 'whe_01jdq8m4k2c9v7x3n5r6t8w0yz',
  event_id: 'evt_01jdq8m4k2c9v7x3n5r6t8w0yz',
  event_type: 'post.published',
  state: 'succeeded',
  attempt_count: 1,
  attempts: [webhookAttemptExample],
  next_attempt_at: null,
  created_at: created,
  updated_at: created,
};

export type WebhookEndpointResource = z.infer<typeof WebhookEndpoint>;
export type WebhookEndpointCreateInput = z.infer<typeof WebhookEndpointCreate>;
export type WebhookEndpointUpdateInput = z.infer<typeof WebhookEndpointUpdate>;
export type WebhookAttemptResource = z.infer<typeof WebhookAttempt>;
export type WebhookDeliveryResource = z.infer<typeof WebhookDelivery>;
