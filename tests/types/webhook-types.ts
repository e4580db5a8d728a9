/**
 * Type-level tests of `verifyWebhook` (checked by `npm run typecheck`): the event it returns is the
 * union of the document's envelopes, narrowed by `type` as client/README.md's receiver does.
 */
import { verifyWebhook, type WebhookEvent } from '@folio/client';

export async function receiver(request: Request): Promise<string> {
  const event: WebhookEvent = await verifyWebhook(await request.text(), request.headers, ['whsec_a', 'whsec_b'], { toleranceSeconds: 60 });
  if (event.type === 'post.published') return event.data.slug;
  if (event.type === 'inbound.received') return event.data.delivery_id;
  // @ts-expect-error a comment event carries no slug
  if (event.type === 'comment.created') return event.data.slug;
  // @ts-expect-error no such event type
  if (event.type === 'post.exploded') return '';
  return event.id;
}

// @ts-expect-error the body is text or bytes, never parsed JSON
await verifyWebhook({ type: 'post.published' }, {}, 'whsec_a');
