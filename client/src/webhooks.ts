/**
 * Standard Webhooks (https://www.standardwebhooks.com): the one implementation of the scheme in
 * Folio. Receivers verify Folio's deliveries with `verifyWebhook`; Folio's server signs them with
 * `signWebhook` and verifies inbound Standard Webhooks with `verifyWebhookSignature`.
 *
 * A message is signed as base64(HMAC-SHA256(key, `${webhook-id}.${webhook-timestamp}.${body}`)),
 * sent as `webhook-signature: v1,<signature>` (several, space-separated, while a secret rotates).
 * The secret is `whsec_` followed by the key in base64.
 *
 * Only WebCrypto (`crypto.subtle`) and `atob`/`btoa` are used, so this runs unchanged in Node,
 * browsers, Deno, Bun and edge runtimes. It imports nothing at run time (the server imports this
 * file as it is).
 */
import type { components } from './schema.js';

/** Any event Folio delivers: the document's event envelopes, told apart by `type`. Tolerate types you do not know. */
/** What a delivery carries: any event of the log, or the `ping` a test sends (the document's `webhooks`). */
export type WebhookEvent = components['schemas']['Event'] | components['schemas']['PingEvent'];

/** Why a webhook was refused. */
export type WebhookVerificationReason =
  /** A secret given to the verifier is not `whsec_` + base64 of a 24–64-byte key: the receiver's configuration, not the sender's fault. */
  | 'invalid_secret'
  /** `webhook-id`, `webhook-timestamp` or `webhook-signature` is absent or empty. */
  | 'missing_headers'
  /** `webhook-timestamp` is not a whole number of seconds. */
  | 'invalid_timestamp'
  /** The timestamp is further in the past than the tolerance: possibly a replay. */
  | 'timestamp_too_old'
  /** The timestamp is further in the future than the tolerance. */
  | 'timestamp_too_new'
  /** No `v1` signature matches any secret: wrong secret, or the id, timestamp or body were changed. */
  | 'no_matching_signature'
  /** The signature is right, but the body is not JSON. */
  | 'invalid_payload';

export class WebhookVerificationError extends Error {
  readonly reason: WebhookVerificationReason;

  constructor(reason: WebhookVerificationReason, message: string) {
    super(message);
    this.name = 'WebhookVerificationError';
    this.reason = reason;
  }
}

export interface VerifyWebhookOptions {
  /** How far the timestamp may be from now, either way, in seconds (default 300: the Standard Webhooks recommendation). */
  toleranceSeconds?: number;
}

/** The headers a request arrived with: a `Headers`, or a plain object such as Node's `IncomingHttpHeaders`. */
export type WebhookHeaders = Headers | Record<string, string | readonly string[] | undefined>;

/** What a verified message was signed with. */
export interface VerifiedWebhook {
  /** `webhook-id`: the message's id, the same on every retry of it — deduplicate by it. */
  id: string;
  /** `webhook-timestamp`, in seconds since the epoch. */
  timestamp: number;
}

const SECRET_PREFIX = 'whsec_';
const DEFAULT_TOLERANCE_SECONDS = 300;
// The spec's bounds on a key: at least 192 bits, at most 512.
const MIN_KEY_BYTES = 24;
const MAX_KEY_BYTES = 64;
const HMAC = { name: 'HMAC', hash: 'SHA-256' } as const;
const encoder = new TextEncoder();

/** Strict base64 (the standard alphabet, padded): `atob` alone also takes whitespace and missing padding. */
function decodeBase64(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (text.length === 0 || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return undefined;
  const binary = atob(text);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function encodeBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** The key of a `whsec_…` secret; a malformed one is refused, saying what is wrong but never echoing it. */
export function webhookSecretKey(secret: string): Uint8Array<ArrayBuffer> {
  if (typeof secret !== 'string' || !secret.startsWith(SECRET_PREFIX)) {
    throw new WebhookVerificationError('invalid_secret', `A webhook secret must start with "${SECRET_PREFIX}".`);
  }
  const key = decodeBase64(secret.slice(SECRET_PREFIX.length));
  if (!key) throw new WebhookVerificationError('invalid_secret', `A webhook secret must be "${SECRET_PREFIX}" followed by base64.`);
  if (key.length < MIN_KEY_BYTES || key.length > MAX_KEY_BYTES) {
    throw new WebhookVerificationError('invalid_secret', `A webhook secret's key must be ${MIN_KEY_BYTES} to ${MAX_KEY_BYTES} bytes; this one has ${key.length}.`);
  }
  return key;
}

function hmacKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', webhookSecretKey(secret), HMAC, false, ['sign']);
}

/** Whether two byte strings are equal, in time that depends on their length alone (a signature's is public). */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}

/** The bytes a signature covers: `${id}.${timestamp}.` then the body exactly as sent. */
function signedContent(id: string, timestamp: number, body: string | Uint8Array): Uint8Array<ArrayBuffer> {
  const prefix = encoder.encode(`${id}.${timestamp}.`);
  const payload = typeof body === 'string' ? encoder.encode(body) : body;
  const content = new Uint8Array(prefix.length + payload.length);
  content.set(prefix);
  content.set(payload, prefix.length);
  return content;
}

/**
 * Signs a message: the value of its `webhook-signature` header, `v1,<base64>`. `body` is the exact
 * request body (a string is signed as its UTF-8 bytes); `timestampSeconds` goes in `webhook-timestamp`.
 */
export async function signWebhook(secret: string, id: string, timestampSeconds: number, body: string | Uint8Array): Promise<string> {
  const key = await hmacKey(secret);
  const signature = await crypto.subtle.sign('HMAC', key, signedContent(id, timestampSeconds, body));
  return `v1,${encodeBase64(new Uint8Array(signature))}`;
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | readonly string[] | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return typeof value === 'string' ? value : value?.join(', ');
}

/**
 * Checks a message's signature and timestamp without reading its body: resolves with its id and
 * timestamp, or rejects with a WebhookVerificationError. The body is signed once with each secret
 * (WebCrypto) and each `v1` signature compared with that in constant time.
 */
export async function verifyWebhookSignature(
  rawBody: string | Uint8Array,
  headers: WebhookHeaders,
  secrets: string | readonly string[],
  options: VerifyWebhookOptions = {},
): Promise<VerifiedWebhook> {
  // Secrets first: a malformed one is refused whatever the request, so a misconfiguration shows at once.
  const keys = await Promise.all((typeof secrets === 'string' ? [secrets] : secrets).map((secret) => hmacKey(secret)));
  if (keys.length === 0) throw new WebhookVerificationError('invalid_secret', 'No webhook secret was given.');

  const id = header(headers, 'webhook-id');
  const timestampText = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestampText || !signatures) {
    throw new WebhookVerificationError('missing_headers', 'The webhook-id, webhook-timestamp and webhook-signature headers are required.');
  }
  if (!/^\d{1,15}$/.test(timestampText.trim())) {
    throw new WebhookVerificationError('invalid_timestamp', 'webhook-timestamp must be a whole number of seconds since the epoch.');
  }
  const timestamp = Number(timestampText.trim());
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const now = Math.floor(Date.now() / 1000);
  if (timestamp < now - tolerance) throw new WebhookVerificationError('timestamp_too_old', `The message is more than ${tolerance} s old.`);
  if (timestamp > now + tolerance) throw new WebhookVerificationError('timestamp_too_new', `The message is dated more than ${tolerance} s ahead.`);

  const content = signedContent(id, timestamp, rawBody);
  const candidates = signatures
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .map((entry) => decodeBase64(entry.slice(3)))
    .filter((bytes) => bytes !== undefined);
  // One HMAC per secret, compared with every candidate: verifying each candidate would hash the
  // body once per candidate, and a sender (before it is authenticated) chooses how many it sends.
  for (const key of keys) {
    const expected = new Uint8Array(await crypto.subtle.sign('HMAC', key, content));
    if (candidates.some((signature) => sameBytes(signature, expected))) return { id, timestamp };
  }
  throw new WebhookVerificationError('no_matching_signature', 'No v1 signature matches: check the secret, and verify the body exactly as received.');
}

/**
 * Verifies a webhook from Folio and returns its event. Pass the body exactly as it arrived (read it
 * with `await request.text()` before anything else: the signature covers those bytes, and JSON
 * re-serialised is not them), the request's headers, and your endpoint's secret — or several,
 * while one rotates. Refuses (WebhookVerificationError, with a `reason`) a missing or wrong
 * signature, a timestamp outside `toleranceSeconds` (300) either way, and a malformed secret.
 *
 * The event is typed from the document, not checked at run time: tolerate types you do not know.
 */
export async function verifyWebhook(
  rawBody: string | Uint8Array,
  headers: WebhookHeaders,
  secrets: string | readonly string[],
  options: VerifyWebhookOptions = {},
): Promise<WebhookEvent> {
  await verifyWebhookSignature(rawBody, headers, secrets, options);
  try {
    return JSON.parse(typeof rawBody === 'string' ? rawBody : new TextDecoder('utf-8', { fatal: true }).decode(rawBody)) as WebhookEvent;
  } catch {
    throw new WebhookVerificationError('invalid_payload', 'The signature is valid, but the body is not JSON in UTF-8.');
  }
}
