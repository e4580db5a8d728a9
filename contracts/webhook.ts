import { z } from './zod.ts';

/**
 * An outgoing call: a request Folio sends to a partner's server (a webhook delivery), declared
 * like an operation — its payload, the headers it carries, the answers it understands. The
 * document lists each under `webhooks`, the worker signs and checks each delivery against it
 * before sending, the client's `verifyWebhook` returns its payload type, and the tests check what
 * a receiver gets against it.
 */
export interface WebhookSpec {
  /** The key under the document's `webhooks`: the event type it delivers. */
  name: string;
  summary: string;
  description: string;
  /** The JSON body, byte for byte what is signed. */
  payload: z.ZodObject;
  example?: Record<string, unknown>;
}

export function defineWebhook<const T extends WebhookSpec>(webhook: T): T {
  return webhook;
}

const SIGNATURE = /^v1,[A-Za-z0-9+/]{43}=(?: v1,[A-Za-z0-9+/]{43}=)*$/;

/** The Standard Webhooks headers every delivery carries (https://www.standardwebhooks.com). */
export const SIGNATURE_HEADERS = z.object({
  'webhook-id': z
    .string()
    .min(1)
    .max(64)
    .openapi({ description: 'The event id: the same on every retry of one delivery. Deduplicate on it.', example: 'evt_01jdq8m4k2c9v7x3n5r6t8w0yz' }),
  'webhook-timestamp': z
    .string()
    .regex(/^[0-9]{1,12}$/)
    .openapi({ description: 'When this attempt was signed, in Unix seconds. Refuse it when far from your clock (5 minutes).', example: '1795771800' }),
  'webhook-signature': z
    .string()
    .regex(SIGNATURE)
    .openapi({
      description:
        '`v1,` then the base64 HMAC-SHA256, keyed with the endpoint’s secret (the bytes after `whsec_`, base64-decoded), of ' +
        '`{webhook-id}.{webhook-timestamp}.{body}`. While a secret is being rotated, one signature per secret, space-separated: ' +
        'accept the delivery if any matches.',
      example: 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=',
    }),
});

/** What a receiver answers, and what Folio makes of it. */
export const WEBHOOK_RESPONSES = {
  '2XX': 'Received: any 2xx acknowledges the delivery (the body is ignored). Answer quickly (within 15 s) and do the work afterwards.',
  '410': 'Gone: Folio disables the endpoint and sends it nothing more (re-enable it with `PATCH`).',
  default:
    'Anything else — or no answer within 15 s — is a failure, retried later (`Retry-After` is honoured on 429 and 503). ' +
    'Redirects are not followed.',
} as const;
