/**
 * Inbound webhooks: events other systems (GitHub, Stripe, any Standard Webhooks sender) deliver to
 * Folio, each verified by the scheme its source is configured with, then recorded once.
 */
import { z } from '../zod.ts';
import { identifier, Timestamp } from '../shared/primitives.ts';

/** The schemes an inbound source can be configured with (FOLIO_INBOUND_SOURCES). */
export const INBOUND_SCHEMES = ['standard-webhooks', 'github', 'stripe'] as const;
export type InboundScheme = (typeof INBOUND_SCHEMES)[number];

/** The source the reference's examples name (the contract run configures it, so its example reaches the signature check). */
export const EXAMPLE_SOURCE = 'github';

export const InboundSourceName = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9][a-z0-9_-]*$/)
  .openapi({
    description: 'A source of webhooks configured on this Folio by its operator: lowercase letters, digits, `-` and `_`.',
    example: EXAMPLE_SOURCE,
  });

export const InboundId = identifier('inb', 'The receipt’s identifier.', 'inb_01jdq8m4k2c9v7x3n5r6t8w0yz');

/** The sender's id of one delivery (the same on its retries), by which repeats are recognised. */
export const DeliveryId = z.string().min(1).max(255).openapi({
  description: 'The sender’s id for the delivery, the same on its retries: `webhook-id` (Standard Webhooks), `X-GitHub-Delivery`, or the Stripe event’s `id`.',
  example: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
});

export const InboundEventType = z.string().max(255).nullable().openapi({
  description: 'The sender’s event type, when it names one: the payload’s `type` (Standard Webhooks, Stripe) or `X-GitHub-Event`.',
  example: 'push',
});

export const InboundPayload = z.record(z.string(), z.unknown()).openapi('InboundPayload', {
  description: 'The sender’s event exactly as it sends it: any JSON object. Folio reads nothing in it before the signature is verified.',
});

export const InboundReceipt = z
  .object({
    id: InboundId,
    source: InboundSourceName,
    delivery_id: DeliveryId,
    type: InboundEventType,
    received_at: Timestamp.openapi({ description: 'When Folio first received this delivery.' }),
    duplicate: z.boolean().openapi({
      description: '`true` when this delivery id had been received before: nothing new was recorded, and the receipt is the first one’s.',
      example: false,
    }),
  })
  .openapi('InboundReceipt', { description: 'A delivery Folio verified and recorded.' });

export const inboundReceiptExample: z.input<typeof InboundReceipt> = {
  id: 'inb_01jdq8m4k2c9v7x3n5r6t8w0yz',
  source: EXAMPLE_SOURCE,
  delivery_id: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
  type: 'push',
  received_at: '2026-11-21T09:30:00.000Z',
  duplicate: false,
};

/** The deepest nesting a delivery's payload may have (deeper is a 400): PostgreSQL's jsonb parser runs out of stack far deeper (about 3,000 with its default 2 MB), and no sender's events come near it. */
export const MAX_PAYLOAD_DEPTH = 256;
