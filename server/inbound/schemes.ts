/**
 * The signature schemes an inbound source can use. Each verifies a delivery over the body's exact
 * bytes — nothing reads the body before — and says where the sender puts its delivery id, the
 * same on every retry of one delivery, by which repeats are recognised.
 *
 * - Standard Webhooks: the one implementation Folio has (client/src/webhooks.ts), which also signs
 *   Folio's own deliveries. The id and timestamp are signed with the body; a timestamp outside the
 *   tolerance is refused.
 * - Stripe: `Stripe-Signature: t=<seconds>,v1=<hex>` over `${t}.${body}`; `t` outside the tolerance
 *   is refused. The delivery id is the event's `id` (in the signed body).
 * - GitHub: `X-Hub-Signature-256: sha256=<hex>` over the body alone. GitHub signs no timestamp, so
 *   the only replay protection is the delivery id (`X-GitHub-Delivery`, the same on redeliveries):
 *   a replayed delivery is recorded once. The id and `X-GitHub-Event` are not signed — a captured
 *   body could be replayed under a new id — but the body itself cannot be forged.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { InboundScheme } from '../../contracts/inbound/schemas.ts';
import { verifyWebhookSignature, WebhookVerificationError } from '../../client/src/webhooks.ts';

/** The signature headers of every scheme, as the contract declares them (all optional). */
export interface SignatureHeaders {
  'webhook-id'?: string;
  'webhook-timestamp'?: string;
  'webhook-signature'?: string;
  'x-hub-signature-256'?: string;
  'x-github-delivery'?: string;
  'x-github-event'?: string;
  'stripe-signature'?: string;
}

/** What a verified delivery says about itself, and where (a JSON Pointer into the request) for a 400. */
export interface DeliveryFacts {
  deliveryId: { value: unknown; pointer: string };
  type: unknown;
}

export interface Scheme {
  /** Why the delivery is refused (safe to tell the sender: it names no secret), or undefined when it verifies. */
  verify(bytes: Uint8Array, headers: SignatureHeaders, secrets: readonly string[], toleranceSeconds: number): Promise<string | undefined>;
  /** Read only after `verify` passed. */
  facts(headers: SignatureHeaders, payload: Record<string, unknown>): DeliveryFacts;
}

const hmacSha256 = (secret: string, content: Uint8Array) => createHmac('sha256', secret).update(content).digest();

/** Whether any signature is the HMAC of `content` under any secret, each compared in constant time. */
function anyMatches(secrets: readonly string[], content: Uint8Array, signatures: Buffer[]): boolean {
  return secrets.some((secret) => {
    const expected = hmacSha256(secret, content);
    return signatures.some((signature) => signature.length === expected.length && timingSafeEqual(signature, expected));
  });
}

const HEX_SHA256 = /^[0-9a-f]{64}$/i;

const standardWebhooks: Scheme = {
  async verify(bytes, headers, secrets, toleranceSeconds) {
    try {
      await verifyWebhookSignature(bytes, headers as Record<string, string | undefined>, secrets, { toleranceSeconds });
      return undefined;
    } catch (error) {
      if (error instanceof WebhookVerificationError) return error.message;
      throw error;
    }
  },
  facts: (headers, payload) => ({ deliveryId: { value: headers['webhook-id'], pointer: '/headers/webhook-id' }, type: payload.type }),
};

const github: Scheme = {
  async verify(bytes, headers, secrets) {
    const header = headers['x-hub-signature-256'];
    if (!header) return 'X-Hub-Signature-256 is missing.';
    const hex = header.startsWith('sha256=') ? header.slice('sha256='.length) : '';
    if (!HEX_SHA256.test(hex)) return 'X-Hub-Signature-256 must be sha256= followed by 64 hexadecimal digits.';
    return anyMatches(secrets, bytes, [Buffer.from(hex, 'hex')]) ? undefined : 'X-Hub-Signature-256 does not match the body with the configured secret.';
  },
  facts: (headers) => ({ deliveryId: { value: headers['x-github-delivery'], pointer: '/headers/x-github-delivery' }, type: headers['x-github-event'] }),
};

const stripe: Scheme = {
  async verify(bytes, headers, secrets, toleranceSeconds) {
    const header = headers['stripe-signature'];
    if (!header) return 'Stripe-Signature is missing.';
    const pairs = header.split(',').map((pair) => {
      const at = pair.indexOf('=');
      return [pair.slice(0, at).trim(), pair.slice(at + 1).trim()] as const;
    });
    const timestamp = pairs.find(([key]) => key === 't')?.[1];
    const signatures = pairs.filter(([key, value]) => key === 'v1' && HEX_SHA256.test(value)).map(([, value]) => Buffer.from(value, 'hex'));
    if (!timestamp || !/^\d{1,15}$/.test(timestamp) || signatures.length === 0) return 'Stripe-Signature must be t=<seconds>,v1=<hex signature>.';
    if (Math.abs(Math.floor(Date.now() / 1000) - Number(timestamp)) > toleranceSeconds) {
      return `The Stripe-Signature timestamp is more than ${toleranceSeconds} s from now.`;
    }
    const content = Buffer.concat([Buffer.from(`${timestamp}.`), bytes]);
    return anyMatches(secrets, content, signatures) ? undefined : 'No v1 signature in Stripe-Signature matches the body with the configured secret.';
  },
  facts: (_, payload) => ({ deliveryId: { value: payload.id, pointer: '/body/id' }, type: payload.type }),
};

export const SCHEMES: Record<InboundScheme, Scheme> = { 'standard-webhooks': standardWebhooks, github, stripe };

/** The `WWW-Authenticate` challenge of a 401: what the source expects. */
export const challenge = (scheme: InboundScheme) => `Signature realm="folio", scheme="${scheme}"`;
