/**
 * `verifyWebhook` and `signWebhook` (client/src/webhooks.ts) against the official Standard Webhooks
 * library (npm `standardwebhooks`): each accepts what the other signs, and every way a message can
 * be wrong is refused with its own reason.
 */
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it, vi } from 'vitest';
import { signWebhook, verifyWebhook, verifyWebhookSignature, WebhookVerificationError, type WebhookVerificationReason } from '../../client/src/webhooks.ts';

const newSecret = () => `whsec_${randomBytes(24).toString('base64')}`;
const SECRET = newSecret();
const OTHER = newSecret();
const BODY = JSON.stringify({
  id: 'evt_01jdq8m4k2c9v7x3n5r6t8w0yz',
  type: 'post.published',
  created_at: '2026-11-21T09:30:00.000Z',
  data: { post_id: 'post_01jdq8m4k2c9v7x3n5r6t8w0yz', slug: 'grüße', status: 'published', author_id: 'user_01jdq8m4k2c9v7x3n5r6t8w0yz' },
});
const now = () => Math.floor(Date.now() / 1000);

/** The headers the official library's `sign` makes for a message. */
function officialHeaders(secret: string, id: string, seconds: number, body: string) {
  return { 'webhook-id': id, 'webhook-timestamp': String(seconds), 'webhook-signature': new Webhook(secret).sign(id, new Date(seconds * 1000), body) };
}

async function folioHeaders(secret: string, id: string, seconds: number, body: string) {
  return { 'webhook-id': id, 'webhook-timestamp': String(seconds), 'webhook-signature': await signWebhook(secret, id, seconds, body) };
}

async function refusal(promise: Promise<unknown>): Promise<WebhookVerificationReason> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WebhookVerificationError);
  return (error as WebhookVerificationError).reason;
}

describe('interop with the standardwebhooks library', () => {
  it('signWebhook makes the very signature the library makes', async () => {
    const seconds = now();
    expect(await signWebhook(SECRET, 'msg_1', seconds, BODY)).toBe(new Webhook(SECRET).sign('msg_1', new Date(seconds * 1000), BODY));
  });

  it('verifyWebhook accepts what the library signs, and returns the event', async () => {
    const event = await verifyWebhook(BODY, officialHeaders(SECRET, 'msg_2', now(), BODY), SECRET);
    expect(event).toEqual(JSON.parse(BODY));
    expect(event.type).toBe('post.published');
  });

  it('the library accepts what signWebhook signs', async () => {
    const headers = await folioHeaders(SECRET, 'msg_3', now(), BODY);
    expect(new Webhook(SECRET).verify(BODY, headers)).toEqual(JSON.parse(BODY));
  });

  it('takes the body as bytes, a Headers object, and Node-style header arrays', async () => {
    const headers = officialHeaders(SECRET, 'msg_4', now(), BODY);
    const bytes = new TextEncoder().encode(BODY);
    expect(await verifyWebhook(bytes, new Headers(headers), SECRET)).toEqual(JSON.parse(BODY));
    const node = { 'Webhook-Id': [headers['webhook-id']], 'WEBHOOK-TIMESTAMP': headers['webhook-timestamp'], 'webhook-signature': headers['webhook-signature'], other: undefined };
    expect(await verifyWebhookSignature(bytes, node, SECRET)).toEqual({ id: 'msg_4', timestamp: Number(headers['webhook-timestamp']) });
  });

  it('rotation: any of several signatures, checked against any of several secrets', async () => {
    const seconds = now();
    const signedByOld = officialHeaders(OTHER, 'msg_5', seconds, BODY);
    const both = { ...signedByOld, 'webhook-signature': `${signedByOld['webhook-signature']} ${new Webhook(SECRET).sign('msg_5', new Date(seconds * 1000), BODY)}` };
    // The sender signs with both secrets; a receiver that knows only the new one accepts it …
    expect(await verifyWebhook(BODY, both, SECRET)).toEqual(JSON.parse(BODY));
    // … and so does one that still holds both, in any order.
    expect(await verifyWebhook(BODY, signedByOld, [SECRET, OTHER])).toEqual(JSON.parse(BODY));
    // Unknown versions (asymmetric `v1a`) and garbage entries are passed over.
    const mixed = { ...signedByOld, 'webhook-signature': `v1a,AAAA v1,!!! v2,xyz ${signedByOld['webhook-signature']}` };
    expect(await verifyWebhook(BODY, mixed, OTHER)).toEqual(JSON.parse(BODY));
  });
});

describe('refusals', () => {
  it('a timestamp older or newer than the tolerance', async () => {
    expect(await refusal(verifyWebhook(BODY, officialHeaders(SECRET, 'm', now() - 301, BODY), SECRET))).toBe('timestamp_too_old');
    expect(await refusal(verifyWebhook(BODY, officialHeaders(SECRET, 'm', now() + 301, BODY), SECRET))).toBe('timestamp_too_new');
    // Within the tolerance either way, and a tolerance of one's own.
    await expect(verifyWebhook(BODY, officialHeaders(SECRET, 'm', now() - 290, BODY), SECRET)).resolves.toBeDefined();
    await expect(verifyWebhook(BODY, officialHeaders(SECRET, 'm', now() + 290, BODY), SECRET)).resolves.toBeDefined();
    expect(await refusal(verifyWebhook(BODY, officialHeaders(SECRET, 'm', now() - 60, BODY), SECRET, { toleranceSeconds: 30 }))).toBe('timestamp_too_old');
  });

  it('a timestamp that is not whole seconds', async () => {
    for (const value of ['', 'soon', '1.5e9', '-1', '0x10', String(now() * 1000) + '000000']) {
      const headers = { ...officialHeaders(SECRET, 'm', now(), BODY), 'webhook-timestamp': value };
      expect(await refusal(verifyWebhook(BODY, headers, SECRET)), value).toBe(value === '' ? 'missing_headers' : 'invalid_timestamp');
    }
  });

  it('a body, id or timestamp changed after signing', async () => {
    const seconds = now();
    const headers = officialHeaders(SECRET, 'msg_6', seconds, BODY);
    expect(await refusal(verifyWebhook(BODY.replace('published', 'deleted'), headers, SECRET))).toBe('no_matching_signature');
    expect(await refusal(verifyWebhook(`${BODY} `, headers, SECRET))).toBe('no_matching_signature');
    expect(await refusal(verifyWebhook(BODY, { ...headers, 'webhook-id': 'msg_7' }, SECRET))).toBe('no_matching_signature');
    expect(await refusal(verifyWebhook(BODY, { ...headers, 'webhook-timestamp': String(seconds - 1) }, SECRET))).toBe('no_matching_signature');
  });

  it('the wrong secret, and signatures that are not v1 or not base64', async () => {
    const headers = officialHeaders(SECRET, 'msg_8', now(), BODY);
    expect(await refusal(verifyWebhook(BODY, headers, OTHER))).toBe('no_matching_signature');
    const [, signature] = headers['webhook-signature'].split(',');
    for (const value of [`v2,${signature}`, `v1,${signature!.slice(1)}`, `v1 ${signature}`, signature!, 'v1,', `v1,${signature}=`]) {
      expect(await refusal(verifyWebhook(BODY, { ...headers, 'webhook-signature': value }, SECRET)), value).toBe('no_matching_signature');
    }
  });

  it('missing headers', async () => {
    const headers = officialHeaders(SECRET, 'msg_9', now(), BODY);
    for (const name of Object.keys(headers)) {
      const rest: Record<string, string> = { ...headers };
      delete rest[name];
      expect(await refusal(verifyWebhook(BODY, rest, SECRET)), name).toBe('missing_headers');
    }
  });

  it('a malformed secret, whatever the request', async () => {
    const headers = officialHeaders(SECRET, 'msg_10', now(), BODY);
    const short = `whsec_${randomBytes(16).toString('base64')}`;
    const long = `whsec_${randomBytes(65).toString('base64')}`;
    for (const secret of [SECRET.slice(6), 'whsec_', 'whsec_not base64!', `whsec_${SECRET.slice(7)}`, short, long]) {
      expect(await refusal(verifyWebhook(BODY, headers, secret)), secret).toBe('invalid_secret');
      expect(await refusal(verifyWebhook(BODY, headers, [SECRET, secret])), secret).toBe('invalid_secret');
      await expect(signWebhook(secret, 'm', now(), BODY)).rejects.toMatchObject({ reason: 'invalid_secret' });
    }
    expect(await refusal(verifyWebhook(BODY, headers, []))).toBe('invalid_secret');
    // The message says what is wrong without repeating the secret.
    const error = await verifyWebhook(BODY, headers, short).catch((e: Error) => e);
    expect((error as Error).message).not.toContain(short.slice(6));
  });

  it('a correctly signed body that is not JSON', async () => {
    expect(await refusal(verifyWebhook('not json', officialHeaders(SECRET, 'msg_11', now(), 'not json'), SECRET))).toBe('invalid_payload');
  });
});

describe('the cost of verifying', () => {
  it('signs the body once per secret, however many signatures the message carries', async () => {
    const id = 'msg_many';
    const good = await signWebhook(SECRET, id, now(), BODY);
    // 127 wrong candidates before the right one, as an unauthenticated sender could send.
    const many = [...Array.from({ length: 127 }, () => `v1,${randomBytes(32).toString('base64')}`), good].join(' ');
    const sign = vi.spyOn(crypto.subtle, 'sign');
    try {
      await verifyWebhookSignature(BODY, { 'webhook-id': id, 'webhook-timestamp': String(now()), 'webhook-signature': many }, [OTHER, SECRET]);
      expect(sign).toHaveBeenCalledTimes(2);
      sign.mockClear();
      const wrong = many.replace(good, `v1,${randomBytes(32).toString('base64')}`);
      expect(await refusal(verifyWebhookSignature(BODY, { 'webhook-id': id, 'webhook-timestamp': String(now()), 'webhook-signature': wrong }, [OTHER, SECRET]))).toBe('no_matching_signature');
      expect(sign).toHaveBeenCalledTimes(2);
    } finally {
      sign.mockRestore();
    }
  });
});
