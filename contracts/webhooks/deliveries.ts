/**
 * The webhooks Folio sends: one per event type — its payload is that type's envelope from the
 * event log, so the stream, the list and a delivery carry the same JSON — and the `ping` a test
 * sends. The document lists them under `webhooks`; the worker checks each delivery against its
 * declaration before signing it.
 */
import { z } from '../zod.ts';
import { EVENT_SCHEMAS, EVENT_TYPE_NAMES, EVENT_TYPES, EventId, eventExample } from '../events/schemas.ts';
import { Timestamp } from '../shared/primitives.ts';
import { defineWebhook, type WebhookSpec } from '../webhook.ts';
import { WebhookEndpointId } from './ids.ts';

export const PingEvent = z
  .object({
    id: EventId,
    type: z.literal('ping').openapi({ description: 'Always `ping`.' }),
    created_at: Timestamp.openapi({ description: 'When the test was asked for.' }),
    data: z.object({ endpoint_id: WebhookEndpointId }).openapi({ description: 'The endpoint tested.' }),
  })
  .openapi('PingEvent', { description: '`ping`: sent by `POST /api/v1/webhook-endpoints/{endpointId}/test`, to check that an endpoint verifies and acknowledges deliveries.' });

export const pingExample: z.input<typeof PingEvent> = {
  id: 'evt_01jdq8m4k2c9v7x3n5r6t8w0yz',
  type: 'ping',
  created_at: '2026-11-21T09:30:00.000Z',
  data: { endpoint_id: 'whe_01jdq8m4k2c9v7x3n5r6t8w0yz' },
};

export const WEBHOOKS: readonly WebhookSpec[] = [
  ...EVENT_TYPE_NAMES.map((type) =>
    defineWebhook({
      name: type,
      summary: `Event \`${type}\``,
      description: `${EVENT_TYPES[type].description} Sent to each enabled endpoint subscribed to \`${type}\` whose maker's token may read the event on the log.`,
      payload: EVENT_SCHEMAS[type],
      ...(type === eventExample.type && { example: eventExample }),
    }),
  ),
  defineWebhook({ name: 'ping', summary: 'Test event `ping`', description: 'Sent on demand to test an endpoint; never retried.', payload: PingEvent, example: pingExample }),
];

/** The declaration a delivery of this type follows. */
export function webhookFor(type: string): WebhookSpec {
  const webhook = WEBHOOKS.find((w) => w.name === type);
  if (!webhook) throw new Error(`No webhook is declared for ${type}`);
  return webhook;
}
