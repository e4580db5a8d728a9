import { identifier } from '../shared/primitives.ts';

// Apart from schemas.ts so the event log's payloads (../events/schemas.ts) can name an endpoint
// without importing the schemas that list the event types.
export const WebhookEndpointId = identifier('whe', 'The webhook endpoint’s opaque identifier.', 'whe_01jdq8m4k2c9v7x3n5r6t8w0yz');
export const WebhookDeliveryId = identifier('whd', 'The delivery’s opaque identifier.', 'whd_01jdq8m4k2c9v7x3n5r6t8w0yz');
