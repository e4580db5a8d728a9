// Every resource of the API: the one list a new resource joins. The document, the route check,
// the problem pages and the client all start here.
import { comments } from './comments/operations.ts';
import { events } from './events/operations.ts';
import { health } from './health/operations.ts';
import { inbound } from './inbound/operations.ts';
import { posts } from './posts/operations.ts';
import type { OperationSpec } from './operation.ts';
import { media } from './media/operations.ts';
import { errorCatalogue, type ResourceSpec } from './resource.ts';
import { tags } from './tags/operations.ts';
import { tokens } from './tokens/operations.ts';
import { users } from './users/operations.ts';
import { webhookEndpoints } from './webhooks/operations.ts';

export const resources: readonly ResourceSpec[] = [posts, comments, tags, users, tokens, media, events, webhookEndpoints, inbound, health];

export const operations: readonly OperationSpec[] = resources.flatMap((resource) => resource.operations);

/** The outgoing calls: the webhooks Folio sends (the document's `webhooks`). */
export { WEBHOOKS as webhooks } from './webhooks/deliveries.ts';

/** Every problem code the API can answer with, ordered by status. */
export const errors = errorCatalogue(resources);
