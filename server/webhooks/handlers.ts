import * as contract from '../../contracts/webhooks/operations.ts';
import { expandPath } from '../../contracts/operation.ts';
import { isFailure } from '../failure.ts';
import { bind } from '../http/bind.ts';
import { respond } from '../http/respond.ts';
import * as webhooks from './service.ts';

export const listWebhookEndpoints = bind(contract.listWebhookEndpoints, async ({ query, caller }) => respond(200, await webhooks.listWebhookEndpoints(query, caller)));

export const createWebhookEndpoint = bind(contract.createWebhookEndpoint, async ({ body, caller }) => {
  const created = await webhooks.createWebhookEndpoint(body, caller);
  if (isFailure(created)) return created;
  return { status: 201, body: created, headers: { Location: expandPath(contract.getWebhookEndpoint.path, { endpointId: created.id }) } };
});

export const getWebhookEndpoint = bind(contract.getWebhookEndpoint, async ({ params, caller }) => respond(200, await webhooks.getWebhookEndpoint(params.endpointId, caller)));

export const updateWebhookEndpoint = bind(contract.updateWebhookEndpoint, async ({ params, body, caller, ifMatch }) =>
  respond(200, await webhooks.updateWebhookEndpoint(params.endpointId, body, caller, ifMatch)),
);

export const deleteWebhookEndpoint = bind(contract.deleteWebhookEndpoint, async ({ params, caller, ifMatch }) =>
  respond(204, await webhooks.deleteWebhookEndpoint(params.endpointId, caller, ifMatch)),
);

export const rotateWebhookSecret = bind(contract.rotateWebhookSecret, async ({ params, caller }) => respond(200, await webhooks.rotateWebhookSecret(params.endpointId, caller)));

export const testWebhookEndpoint = bind(contract.testWebhookEndpoint, async ({ params, caller }) => respond(200, await webhooks.testWebhookEndpoint(params.endpointId, caller)));

export const listWebhookDeliveries = bind(contract.listWebhookDeliveries, async ({ params, query, caller }) =>
  respond(200, await webhooks.listWebhookDeliveries(params.endpointId, query, caller)),
);

export const retryWebhookDelivery = bind(contract.retryWebhookDelivery, async ({ params, caller }) => respond(202, await webhooks.retryWebhookDelivery(params.deliveryId, caller)));
