import { z } from '../zod.ts';
import { defineOperation, json } from '../operation.ts';
import { defineResource } from '../resource.ts';
import { bearer } from '../shared/auth.ts';
import { PIPELINE_ERRORS } from '../shared/errors.ts';
import { paginationQuery } from '../shared/pagination.ts';
import { webhookDeliveryNotFound, webhookEndpointDisabled, webhookEndpointNotFound, webhookUrlRefused } from './errors.ts';
import {
  DeliveryState,
  SecretRotation,
  WebhookDelivery,
  WebhookDeliveryId,
  WebhookDeliveryPage,
  WebhookEndpoint,
  WebhookEndpointCreate,
  WebhookEndpointCreated,
  WebhookEndpointId,
  WebhookEndpointPage,
  WebhookEndpointUpdate,
  WebhookTestResult,
  webhookAttemptExample,
  webhookDeliveryExample,
  webhookEndpointExample,
} from './schemas.ts';

const TAG = 'Webhooks';
const tags = [TAG] as const;
const byId = z.object({ endpointId: WebhookEndpointId });
const fromCreated = (operationId: string, description: string) => ({ operationId, parameters: { endpointId: '$response.body#/id' }, description });
const SECRET_EXAMPLE = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw8Nz4ZiM0Q7E=';

const DELIVERY =
  'Each event an endpoint subscribes to — and that the token that made it may read on the event log — is POSTed to it as JSON, signed per Standard Webhooks ' +
  '(see `webhooks` in this document): at least once, in no guaranteed order, so deduplicate on `webhook-id`. A failed attempt ' +
  'is retried after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h (with jitter; `Retry-After` honoured on 429 and 503). ' +
  'An endpoint answering 410, or failing for 5 days, is disabled, and a `webhook_endpoint.disabled` event says so.';

export const listWebhookEndpoints = defineOperation({
  operationId: 'listWebhookEndpoints',
  method: 'get',
  path: '/api/v1/webhook-endpoints',
  summary: 'List webhook endpoints',
  description: 'Lists your webhook endpoints (administrators: everyone’s), newest first, a page at a time. Needs `webhooks:read`.',
  tags,
  auth: bearer('webhooks:read'),
  request: { query: z.object(paginationQuery) },
  responses: { 200: { description: 'A page of endpoints.', content: json(WebhookEndpointPage, { data: [webhookEndpointExample], has_more: false, next_cursor: null }) } },
  errors: [],
});

export const createWebhookEndpoint = defineOperation({
  operationId: 'createWebhookEndpoint',
  method: 'post',
  path: '/api/v1/webhook-endpoints',
  summary: 'Create a webhook endpoint',
  description:
    `Registers a URL to receive events. Answers 201 with the endpoint and its signing secret, shown only now. ${DELIVERY} ` +
    'It receives the events this request’s token may read on the event log: public ones, your own (about your drafts and ' +
    'endpoints) with `posts:read`, everyone’s with `admin`. Needs `webhooks:write`.',
  tags,
  auth: bearer('webhooks:write'),
  idempotent: 'sealed',
  request: {
    body: {
      description: 'The new endpoint.',
      ...json(WebhookEndpointCreate, { url: 'https://partner.example.com/folio/webhooks', description: 'Search index refresh', event_types: ['post.published', 'post.deleted'] }),
    },
  },
  responses: {
    201: {
      description: 'The endpoint was created; its secret is shown only now.',
      content: json(WebhookEndpointCreated, { ...webhookEndpointExample, secret: SECRET_EXAMPLE }),
      headers: z.object({ Location: z.string().openapi({ description: 'The URL of the new endpoint.', example: '/api/v1/webhook-endpoints/whe_01jdq8m4k2c9v7x3n5r6t8w0yz' }) }),
      links: {
        GetWebhookEndpoint: fromCreated('getWebhookEndpoint', 'Read the new endpoint.'),
        UpdateWebhookEndpoint: fromCreated('updateWebhookEndpoint', 'Change the new endpoint.'),
        DeleteWebhookEndpoint: fromCreated('deleteWebhookEndpoint', 'Delete the new endpoint.'),
        TestWebhookEndpoint: fromCreated('testWebhookEndpoint', 'Send it a ping.'),
        RotateWebhookSecret: fromCreated('rotateWebhookSecret', 'Give it a new secret.'),
        ListWebhookDeliveries: fromCreated('listWebhookDeliveries', 'See what was delivered to it.'),
      },
    },
  },
  errors: [webhookUrlRefused],
});

export const getWebhookEndpoint = defineOperation({
  operationId: 'getWebhookEndpoint',
  method: 'get',
  path: '/api/v1/webhook-endpoints/{endpointId}',
  summary: 'Get a webhook endpoint',
  description: 'Returns one of your endpoints, with how its deliveries are going (`health`). The secret is never shown again. Needs `webhooks:read`.',
  tags,
  auth: bearer('webhooks:read'),
  conditional: 'read',
  request: { params: byId },
  responses: { 200: { description: 'The endpoint.', content: json(WebhookEndpoint, webhookEndpointExample) } },
  errors: [webhookEndpointNotFound],
});

export const updateWebhookEndpoint = defineOperation({
  operationId: 'updateWebhookEndpoint',
  method: 'patch',
  path: '/api/v1/webhook-endpoints/{endpointId}',
  summary: 'Update a webhook endpoint',
  description:
    'Changes the fields present and leaves the others as they are. `enabled: false` disables the endpoint and fails its pending ' +
    'deliveries; `enabled: true` re-enables a disabled one (its failed deliveries are not revived: redeliver them one by one). ' +
    'Needs `webhooks:write`.',
  tags,
  auth: bearer('webhooks:write'),
  conditional: 'write',
  request: { params: byId, body: { description: 'The fields to change.', ...json(WebhookEndpointUpdate, { event_types: null }) } },
  responses: { 200: { description: 'The updated endpoint.', content: json(WebhookEndpoint, { ...webhookEndpointExample, event_types: null }) } },
  errors: [webhookEndpointNotFound, webhookUrlRefused, PIPELINE_ERRORS.precondition_failed],
});

export const deleteWebhookEndpoint = defineOperation({
  operationId: 'deleteWebhookEndpoint',
  method: 'delete',
  path: '/api/v1/webhook-endpoints/{endpointId}',
  summary: 'Delete a webhook endpoint',
  description: 'Deletes one of your endpoints and its delivery log; nothing more is sent to it. Needs `webhooks:write`.',
  tags,
  auth: bearer('webhooks:write'),
  conditional: 'write',
  request: { params: byId },
  responses: { 204: { description: 'The endpoint was deleted.' } },
  errors: [webhookEndpointNotFound, PIPELINE_ERRORS.precondition_failed],
});

export const rotateWebhookSecret = defineOperation({
  operationId: 'rotateWebhookSecret',
  method: 'post',
  path: '/api/v1/webhook-endpoints/{endpointId}/rotate-secret',
  summary: 'Rotate a webhook endpoint’s secret',
  description:
    'Issues a new signing secret, shown only now. For FOLIO_WEBHOOK_SECRET_OVERLAP (24 h) deliveries carry two signatures, ' +
    'one per secret, so receivers can switch without losing any; then only the new one. Needs `webhooks:write`.',
  tags,
  auth: bearer('webhooks:write'),
  request: { params: byId },
  responses: { 200: { description: 'The new secret.', content: json(SecretRotation, { secret: SECRET_EXAMPLE, previous_secret_expires_at: '2026-11-22T09:30:00.000Z' }) } },
  errors: [webhookEndpointNotFound],
});

export const testWebhookEndpoint = defineOperation({
  operationId: 'testWebhookEndpoint',
  method: 'post',
  path: '/api/v1/webhook-endpoints/{endpointId}/test',
  summary: 'Send a test event',
  description:
    'Sends the endpoint a signed `ping` event now (even when it is disabled) and answers with how it went: the status code, ' +
    'the time taken and the start of its answer. Not retried, not logged as a delivery. Needs `webhooks:write`.',
  tags,
  auth: bearer('webhooks:write'),
  request: { params: byId },
  responses: {
    200: { description: 'The attempt’s outcome (whether or not the endpoint acknowledged it).', content: json(WebhookTestResult, { ...webhookAttemptExample, event_id: 'evt_01jdq8m4k2c9v7x3n5r6t8w0yz' }) },
  },
  errors: [webhookEndpointNotFound],
});

export const listWebhookDeliveries = defineOperation({
  operationId: 'listWebhookDeliveries',
  method: 'get',
  path: '/api/v1/webhook-endpoints/{endpointId}/deliveries',
  summary: 'List an endpoint’s deliveries',
  description: 'The delivery log: each event sent (or to be sent) to the endpoint, newest first, with its attempts. Needs `webhooks:read`.',
  tags,
  auth: bearer('webhooks:read'),
  request: {
    params: byId,
    query: z.object({ ...paginationQuery, state: DeliveryState.optional().openapi({ description: 'Only deliveries in this state.', example: undefined }) }),
  },
  responses: { 200: { description: 'A page of deliveries.', content: json(WebhookDeliveryPage, { data: [webhookDeliveryExample], has_more: false, next_cursor: null }) } },
  errors: [webhookEndpointNotFound],
});

export const retryWebhookDelivery = defineOperation({
  operationId: 'retryWebhookDelivery',
  method: 'post',
  path: '/api/v1/webhook-deliveries/{deliveryId}/retry',
  summary: 'Redeliver',
  description:
    'Queues an attempt of this delivery now, whatever its state (a succeeded one is delivered again, with the same `webhook-id`). ' +
    'Answers 202 with the delivery, pending. Needs `webhooks:write`.',
  tags,
  auth: bearer('webhooks:write'),
  request: { params: z.object({ deliveryId: WebhookDeliveryId }) },
  responses: {
    202: { description: 'An attempt is queued.', content: json(WebhookDelivery, { ...webhookDeliveryExample, state: 'pending', next_attempt_at: '2026-11-21T09:31:00.000Z' }) },
  },
  errors: [webhookDeliveryNotFound, webhookEndpointDisabled],
});

export const webhookEndpoints = defineResource({
  tag: { name: TAG, description: 'Webhook endpoints: where Folio sends events, signed, with retries and a delivery log.' },
  operations: [
    listWebhookEndpoints,
    createWebhookEndpoint,
    getWebhookEndpoint,
    updateWebhookEndpoint,
    deleteWebhookEndpoint,
    rotateWebhookSecret,
    testWebhookEndpoint,
    listWebhookDeliveries,
    retryWebhookDelivery,
  ],
});
