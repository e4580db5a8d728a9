import { defineError } from '../shared/errors.ts';

export const webhookEndpointNotFound = defineError({
  code: 'webhook_endpoint_not_found',
  status: 404,
  title: 'Webhook endpoint not found',
  explanation: 'You have no webhook endpoint with this id (another user’s endpoints are not yours to see).',
  remedy: 'Check the id: list your endpoints with `GET /api/v1/webhook-endpoints`.',
});

export const webhookDeliveryNotFound = defineError({
  code: 'webhook_delivery_not_found',
  status: 404,
  title: 'Webhook delivery not found',
  explanation: 'None of your endpoints has a delivery with this id. Deliveries are kept as long as their event (30 days by default).',
  remedy: 'Check the id: list an endpoint’s deliveries with `GET /api/v1/webhook-endpoints/{endpointId}/deliveries`.',
});

export const webhookUrlRefused = defineError({
  code: 'webhook_url_refused',
  status: 422,
  title: 'Folio may not call this URL',
  explanation:
    'The URL is not one Folio delivers to: it is not a valid http(s) URL, or its host is — or resolves to — a loopback, private, ' +
    'link-local, shared, multicast or cloud-metadata address. Folio checks again before every delivery, after resolving the name.',
  remedy: 'Use a public http(s) URL. For development, an operator can allow hosts with FOLIO_WEBHOOK_ALLOW_HOSTS.',
});

export const webhookEndpointDisabled = defineError({
  code: 'webhook_endpoint_disabled',
  status: 409,
  title: 'Webhook endpoint disabled',
  explanation: 'The delivery’s endpoint is disabled, so nothing is sent to it.',
  remedy: 'Re-enable it with `PATCH /api/v1/webhook-endpoints/{endpointId}` and `{"enabled": true}`, then retry.',
});
