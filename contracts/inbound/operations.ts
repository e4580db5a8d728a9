import { z } from '../zod.ts';
import { defineOperation, json } from '../operation.ts';
import { defineResource } from '../resource.ts';
import { publicAccess } from '../shared/auth.ts';
import { HeaderText } from '../shared/protocol.ts';
import { inboundSourceNotFound, invalidSignature } from './errors.ts';
import { InboundPayload, InboundReceipt, InboundSourceName, inboundReceiptExample, MAX_PAYLOAD_DEPTH } from './schemas.ts';

const TAG = 'Inbound';
const tags = [TAG] as const;

/**
 * A header of one scheme. The contract only bounds its syntax (as for every header: visible ASCII,
 * 1024 characters at most — no scheme makes more); whether it is right is the verification's call.
 */
const signatureHeader = (description: string) => HeaderText(1024).optional().openapi({ description, example: undefined });

export const receiveInbound = defineOperation({
  operationId: 'receiveInbound',
  method: 'post',
  path: '/api/v1/inbound/{source}',
  summary: 'Receive a webhook',
  description:
    'Where other systems deliver signed webhooks to Folio. Each source is configured by Folio’s operator with a scheme and ' +
    'a secret: Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`), GitHub (`X-Hub-Signature-256`) or ' +
    'Stripe (`Stripe-Signature`). The signature is verified over the body’s exact bytes before anything else is read: a ' +
    'missing or wrong signature, or a timestamp further from now than the tolerance (5 minutes unless the operator says otherwise: a replay), is 401 and nothing is recorded. A ' +
    'verified delivery is recorded once per sender’s delivery id (`webhook-id`, `X-GitHub-Delivery`, the Stripe event’s ' +
    '`id`) and announced as an `inbound.received` event (administrators only): 202. A delivery with an id already received ' +
    'is acknowledged with 200 and `duplicate: true`, and records nothing new — senders retry, so deliveries arrive at least once. ' +
    `A verified delivery Folio cannot store as signed — no delivery id, a NUL (U+0000) character, a number beyond a double, or nesting deeper than ${MAX_PAYLOAD_DEPTH} — is 400.`,
  tags,
  // The signature is the credential: no token is read, and the handler verifies before anything else.
  auth: publicAccess,
  request: {
    params: z.object({ source: InboundSourceName }),
    headers: z.object({
      'webhook-id': signatureHeader('Standard Webhooks: the message id (the same on retries).'),
      'webhook-timestamp': signatureHeader('Standard Webhooks: when the message was signed, in seconds since the epoch.'),
      'webhook-signature': signatureHeader('Standard Webhooks: `v1,<base64 HMAC-SHA256>` signatures, space-separated.'),
      'x-hub-signature-256': signatureHeader('GitHub: `sha256=<hex HMAC-SHA256 of the body>`.'),
      'x-github-delivery': signatureHeader('GitHub: the delivery’s id (the same on redeliveries).'),
      'x-github-event': signatureHeader('GitHub: the event’s name.'),
      'stripe-signature': signatureHeader('Stripe: `t=<seconds>,v1=<hex HMAC-SHA256 of "t.body">`.'),
    }),
    body: {
      description: 'The sender’s event, as it signed it.',
      ...json(InboundPayload, { id: 'evt_1QpZ8kLkdIwHu7ix', type: 'invoice.paid', data: { object: { id: 'in_1QpZ8kLkdIwHu7ix' } } }),
      raw: true,
    },
  },
  responses: {
    202: { description: 'Verified and recorded: an `inbound.received` event is in the log.', content: json(InboundReceipt, inboundReceiptExample) },
    200: {
      description: 'A delivery already received (the same delivery id): nothing new is recorded; the receipt is the first one’s.',
      content: json(InboundReceipt, { ...inboundReceiptExample, duplicate: true }),
    },
  },
  errors: [invalidSignature, inboundSourceNotFound],
});

export const inbound = defineResource({
  tag: { name: TAG, description: 'Signed webhooks from other systems (GitHub, Stripe, Standard Webhooks), verified and recorded once each.' },
  operations: [receiveInbound],
});
