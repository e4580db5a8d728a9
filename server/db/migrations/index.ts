import type { Migration } from 'kysely/migration';
import * as createPosts from './0001-create-posts.ts';
import * as identity from './0002-identity.ts';
import * as idempotency from './0003-idempotency.ts';
import * as content from './0004-content.ts';
import * as unloggedRateLimits from './0005-unlogged-rate-limits.ts';
import * as titleSearch from './0006-title-search.ts';
import * as idempotencyLease from './0007-idempotency-lease.ts';
import * as scopesAndSlugs from './0008-scopes-and-slugs.ts';
import * as tagCounts from './0009-tag-counts.ts';
import * as events from './0010-events.ts';
import * as webhooks from './0011-webhooks.ts';
import * as media from './0012-media.ts';
import * as inbound from './0013-inbound.ts';
import * as dropRateLimitCounters from './0014-drop-rate-limit-counters.ts';
import * as webhookEndpointScopes from './0015-webhook-endpoint-scopes.ts';
import * as mediaFilenameControls from './0016-media-filename-controls.ts';
import * as rateLimitsTable from './0017-rate-limits-table.ts';

/**
 * Every migration, in order. Listed here rather than read from disk so that they are bundled
 * with the app and run the same from Next.js, scripts and tests. Never edit a shipped one: add the next.
 */
export const migrations: Record<string, Migration> = {
  '0001-create-posts': createPosts,
  '0002-identity': identity,
  '0003-idempotency': idempotency,
  '0004-content': content,
  '0005-unlogged-rate-limits': unloggedRateLimits,
  '0006-title-search': titleSearch,
  '0007-idempotency-lease': idempotencyLease,
  '0008-scopes-and-slugs': scopesAndSlugs,
  '0009-tag-counts': tagCounts,
  '0010-events': events,
  '0011-webhooks': webhooks,
  '0012-media': media,
  '0013-inbound': inbound,
  '0014-drop-rate-limit-counters': dropRateLimitCounters,
  '0015-webhook-endpoint-scopes': webhookEndpointScopes,
  '0016-media-filename-controls': mediaFilenameControls,
  '0017-rate-limits-table': rateLimitsTable,
};
