/**
 * What the generic suites (security, pipeline statuses, HTTP semantics, transport) need to know
 * about resources to call every operation: by path parameter, an id that names nothing, and how to
 * create a resource an account owns. A new resource with a new path parameter adds one entry to
 * each table; the suites say so, naming this file, when one is missing.
 */
import { Webhook } from 'standardwebhooks';
import { expandPath, type OperationSpec } from '../../contracts/operation.ts';
import { send } from './contract-assertions.ts';
import { TEST_INBOUND_SOURCE } from './folio-server.ts';
import { issueToken, type Account } from './identity.ts';
import { png, randomSeed, upload } from './media.ts';

/** Ids (and names) of the right shape that name nothing: statuses decided before any lookup, and 404s. */
export const ABSENT: Record<string, string> = {
  postId: 'post_00000000000000000000000000',
  commentId: 'cmt_00000000000000000000000000',
  tokenId: 'tok_00000000000000000000000000',
  username: 'nobody',
  mediaId: 'media_00000000000000000000000000',
  endpointId: 'whe_00000000000000000000000000',
  deliveryId: 'whd_00000000000000000000000000',
  source: 'nowhere',
};

type Params = Record<string, string>;

/** A webhook endpoint of `account` at a host that does not resolve, subscribed to `eventTypes`. */
async function endpoint(baseUrl: string, account: Account, eventTypes: string[]): Promise<string> {
  const res = await send(baseUrl, '/api/v1/webhook-endpoints', { method: 'POST', json: { url: 'https://receiver.invalid/hook', event_types: eventTypes }, headers: account.auth });
  if (res.status !== 201) throw new Error(`creating a webhook endpoint: ${res.status} ${res.text}`);
  return (res.body as { id: string }).id;
}

/**
 * Creates a resource `account` owns and returns its id. `params` holds the parameters filled so
 * far, in path order (a comment is created under the post filled before it).
 */
const OWNED: Record<string, (baseUrl: string, account: Account, params: Params) => Promise<string>> = {
  async postId(baseUrl, account) {
    const res = await send(baseUrl, '/api/v1/posts', { method: 'POST', json: { title: 'Owned', status: 'published' }, headers: account.auth });
    return (res.body as { id: string }).id;
  },
  async commentId(baseUrl, account, params) {
    const res = await send(baseUrl, `/api/v1/posts/${params.postId}/comments`, { method: 'POST', json: { body: 'Owned' }, headers: account.auth });
    return (res.body as { id: string }).id;
  },
  async tokenId(baseUrl, account) {
    return (await issueToken(baseUrl, account)).tokenId;
  },
  async username(_, account) {
    return account.user.username;
  },
  async mediaId(baseUrl, account) {
    const res = await upload(baseUrl, account, await png(randomSeed()), { alt: 'Owned' });
    return (res.body as { id: string }).id;
  },
  async endpointId(baseUrl, account) {
    // A name that does not resolve: saved (it may resolve later), and no delivery reaches anyone.
    // Subscribed to an event only its owner's endpoints get, and hardly ever: endpoints made for
    // every test must not each get every event the suites cause (a flood of failing attempts).
    return endpoint(baseUrl, account, ['webhook_endpoint.disabled']);
  },
  async deliveryId(baseUrl, account) {
    // One delivery: a draft's deletion, an event only its author's endpoints get.
    const endpointId = await endpoint(baseUrl, account, ['post.deleted']);
    const draft = await send(baseUrl, '/api/v1/posts', { method: 'POST', json: { title: 'Deleted' }, headers: account.auth });
    await send(baseUrl, `/api/v1/posts/${(draft.body as { id: string }).id}`, { method: 'DELETE', headers: account.auth });
    // The dispatcher makes the delivery within a moment of the event.
    for (let tries = 0; tries < 100; tries++) {
      const res = await send(baseUrl, `/api/v1/webhook-endpoints/${endpointId}/deliveries`, { headers: account.auth });
      const first = (res.body as { data?: { id: string }[] }).data?.[0];
      if (first) return first.id;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('no webhook delivery was made within 10 s of a draft being deleted');
  },
  // Inbound sources are the operator's, not an account's: the one every test server is configured with.
  async source() {
    return TEST_INBOUND_SOURCE.name;
  },
};

const names = (op: OperationSpec) => [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);

function missing(table: 'ABSENT' | 'OWNED', name: string, op: OperationSpec): Error {
  return new Error(`${op.operationId}: tests/support/fixtures.ts ${table} has no entry for the path parameter {${name}} — add one.`);
}

/** The operation's path with ids that name nothing. */
export function absentPath(op: OperationSpec): string {
  const params: Params = {};
  for (const name of names(op)) {
    const id = ABSENT[name];
    if (id === undefined) throw missing('ABSENT', name, op);
    params[name] = id;
  }
  return expandPath(op.path, params);
}

/** The operation's path naming resources `account` owns, created for the call. */
export async function ownedPath(op: OperationSpec, baseUrl: string, account: Account): Promise<string> {
  const params: Params = {};
  for (const name of names(op)) {
    const create = OWNED[name];
    if (!create) throw missing('OWNED', name, op);
    params[name] = await create(baseUrl, account, params);
  }
  return expandPath(op.path, params);
}

/**
 * The credential of a request to an operation that a signature authenticates (an inbound webhook's
 * `{source}`): the path naming the source every test server has, and headers signing `body` with
 * its secret as its sender would (Standard Webhooks). Undefined for other operations.
 */
export function signedPath(op: OperationSpec, body: string): { path: string; headers: Record<string, string> } | undefined {
  if (!op.path.includes('{source}')) return undefined;
  const id = `msg_${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`;
  const at = new Date();
  return {
    path: expandPath(op.path, { ...ABSENT, source: TEST_INBOUND_SOURCE.name }),
    headers: { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': new Webhook(TEST_INBOUND_SOURCE.secret).sign(id, at, body) },
  };
}
