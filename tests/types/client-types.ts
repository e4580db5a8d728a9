/**
 * Type-level tests of @folio/client's options, checked by `npm run typecheck` (tsc, which reads the
 * client from client/src): what must compile compiles, and every `@ts-expect-error` must stay an error.
 */
import { createClient, type components, type EventOf, type FolioClient, type FolioEvent, type HeadersHook } from '@folio/client';

declare const token: string | undefined;
const baseUrl = 'http://localhost:3000';

// An auth hook that sets nothing when signed out, as an app writes it: async, or not.
createClient({ baseUrl, headers: async () => (token ? { Authorization: `Bearer ${token}` } : undefined) });
createClient({ baseUrl, headers: () => (token ? { Authorization: `Bearer ${token}` } : undefined) });
createClient({
  baseUrl,
  headers: async () => {
    if (token) return { Authorization: `Bearer ${token}` };
  },
});
// Every form of HeadersInit.
createClient({ baseUrl, headers: () => new Headers({ Authorization: 'Bearer folio_x' }) });
createClient({ baseUrl, headers: () => [['Authorization', 'Bearer folio_x']] });
const hook: HeadersHook = () => undefined;
createClient({ baseUrl, headers: hook });

// @ts-expect-error a hook returns headers, not a header's value
createClient({ baseUrl, headers: () => `Bearer ${token}` });

// @ts-expect-error header values are strings
createClient({ baseUrl, headers: async () => ({ 'X-Retry': 3 }) });

// @ts-expect-error the hook is called, not read: a headers object is not a hook
createClient({ baseUrl, headers: { Authorization: 'Bearer folio_x' } });

// Events: a union told apart by `type`, each member the document's own envelope schema.
declare const folio: FolioClient;
declare function read(value: string): void;

export async function narrowsEvents() {
  for await (const event of folio.events.subscribe()) {
    if (event.type === 'comment.created') {
      read(event.data.comment_id);
      // @ts-expect-error a comment event's data has no slug
      read(event.data.slug);
    }
    switch (event.type) {
      case 'post.created':
      case 'post.updated':
      case 'post.published':
      case 'post.unpublished':
      case 'post.deleted':
        read(event.data.slug);
        break;
      case 'comment.created':
      case 'comment.updated':
      case 'comment.deleted':
        read(event.data.post_id);
        break;
      case 'user.created':
        read(event.data.username);
        break;
      case 'webhook_endpoint.disabled':
        read(event.data.reason);
        break;
      case 'inbound.received':
        read(event.data.source);
        break;
      default: {
        // Every type the document names is handled above: nothing is left.
        const rest: never = event;
        return rest;
      }
    }
  }

  // `types` narrows what the iterator yields.
  for await (const event of folio.events.subscribe({ types: ['user.created'], after: 'evt_1', follow: false, signal: AbortSignal.timeout(1000) })) {
    read(event.data.username);
    // @ts-expect-error only user.created events come
    if (event.type === 'post.created') read('never');
  }
  for await (const event of folio.events.list({ types: ['post.published', 'post.deleted'], limit: 10, after: 'evt_1' })) {
    read(event.data.post_id);
    // @ts-expect-error a post event's data has no username
    read(event.data.username);
  }
  const created: EventOf<'post.created'> = {} as components['schemas']['PostCreatedEvent'];
  const any: FolioEvent = created;
  read(any.id);
}

// @ts-expect-error not an event type the document names
folio.events.subscribe({ types: ['post.archived'] });

// @ts-expect-error list follows cursors itself
folio.events.list({ cursor: 'abc' });

// @ts-expect-error an unknown type's payload comes untyped
folio.events.subscribe({ onUnknownEvent: (event) => read(event.data.slug) });

// paginate: a list under a path parameter needs it; a list without one needs nothing.
declare const paged: FolioClient;
paged.paginate('/api/v1/posts');
paged.paginate('/api/v1/posts', { query: { q: 'folio' } });
paged.paginate('/api/v1/posts/{postId}/comments', { path: { postId: 'post_x' } });
// @ts-expect-error the comments of which post? (it was sent as `/posts/%7BpostId%7D/comments`)
paged.paginate('/api/v1/posts/{postId}/comments');
// @ts-expect-error the same for a webhook endpoint's deliveries
paged.paginate('/api/v1/webhook-endpoints/{endpointId}/deliveries', {});
