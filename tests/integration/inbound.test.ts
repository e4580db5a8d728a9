/**
 * Inbound webhooks over HTTP: `POST /api/v1/inbound/{source}` verifies each scheme's signature over
 * the exact bytes, refuses replays outside the tolerance, records a delivery once by the sender's
 * delivery id, and logs `inbound.received` for administrators. Every request here is signed with
 * the provider's own library from npm — `standardwebhooks`, `@octokit/webhooks-methods`, `stripe` —
 * never with code of ours, so a verifier of ours that drifted from the real scheme fails here.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { sign as signGitHub } from '@octokit/webhooks-methods';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receiveInbound } from '../../contracts/inbound/operations.ts';
import { MAX_PAYLOAD_DEPTH } from '../../contracts/inbound/schemas.ts';
import { listEvents } from '../../contracts/events/operations.ts';
import { expectConforms, problemCode, send, type ApiResponse } from '../support/contract-assertions.ts';
import { databaseKinds, startFolio, type RunningFolio } from '../support/folio-server.ts';
import { signUp, type Account } from '../support/identity.ts';

const whsec = () => `whsec_${randomBytes(32).toString('base64')}`;
const SECRETS = {
  standard: whsec(),
  standardOld: whsec(),
  github: randomBytes(20).toString('hex'),
  stripe: `whsec_${randomBytes(24).toString('hex')}`,
};
const SOURCES = {
  hooks: { scheme: 'standard-webhooks', secrets: [SECRETS.standard, SECRETS.standardOld] },
  gh: { scheme: 'github', secret: SECRETS.github },
  billing: { scheme: 'stripe', secret: SECRETS.stripe },
};
const TOLERANCE_SECONDS = 300;
const now = () => Math.floor(Date.now() / 1000);

interface Delivery {
  id: string;
  body: string;
  headers: Record<string, string>;
}

/** How each provider signs a delivery, with its official library; `at` dates the signature. */
interface Provider {
  source: keyof typeof SOURCES;
  scheme: string;
  /** A new delivery: its id, and a body the sender would send (Stripe's id is in the body). */
  delivery(id: string, type: string): { body: string };
  sign(delivery: { id: string; body: string }, options?: { secret?: string; at?: number }): Promise<Record<string, string>>;
  /** The header that carries the signature, to take away. */
  signatureHeader: string;
  /** Whether the scheme signs a timestamp (GitHub's does not). */
  timestamped: boolean;
  /** Where the sender's delivery id is, for the 400 when it is missing. */
  idPointer: string;
}

const PROVIDERS: Provider[] = [
  {
    source: 'hooks',
    scheme: 'standard-webhooks',
    delivery: (_, type) => ({ body: JSON.stringify({ type, timestamp: new Date().toISOString(), data: { grüße: 'verified', n: 1.0 } }) }),
    async sign({ id, body }, { secret = SECRETS.standard, at = now() } = {}) {
      return { 'webhook-id': id, 'webhook-timestamp': String(at), 'webhook-signature': new Webhook(secret).sign(id, new Date(at * 1000), body) };
    },
    signatureHeader: 'webhook-signature',
    timestamped: true,
    idPointer: '/headers/webhook-id',
  },
  {
    source: 'gh',
    scheme: 'github',
    delivery: () => ({ body: JSON.stringify({ ref: 'refs/heads/main', repository: { full_name: 'folio/folio' }, grüße: 'verified' }) }),
    async sign({ id, body }, { secret = SECRETS.github } = {}) {
      return { 'X-Hub-Signature-256': await signGitHub(secret, body), 'X-GitHub-Delivery': id, 'X-GitHub-Event': 'push' };
    },
    signatureHeader: 'X-Hub-Signature-256',
    timestamped: false,
    idPointer: '/headers/x-github-delivery',
  },
  {
    source: 'billing',
    scheme: 'stripe',
    delivery: (id, type) => ({ body: JSON.stringify({ id, object: 'event', type, data: { object: { id: 'in_1', amount_paid: 4200, note: 'grüße' } } }) }),
    async sign({ body }, { secret = SECRETS.stripe, at = now() } = {}) {
      return { 'Stripe-Signature': Stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp: at }) };
    },
    signatureHeader: 'Stripe-Signature',
    timestamped: true,
    idPointer: '/body/id',
  },
];

describe.each(databaseKinds())('inbound webhooks on %s', (kind) => {
  let server: RunningFolio;
  let admin: Account;
  let user: Account;
  beforeAll(async () => {
    server = await startFolio(kind, { FOLIO_INBOUND_SOURCES: JSON.stringify(SOURCES), FOLIO_INBOUND_TOLERANCE_SECONDS: String(TOLERANCE_SECONDS) });
    [admin, user] = await Promise.all([signUp(server.baseUrl, { admin: true }), signUp(server.baseUrl)]);
  });
  afterAll(async () => server?.stop());

  /** Posts exactly these bytes, and checks the answer against the contract. */
  async function deliver(source: string, body: string, headers: Record<string, string>): Promise<ApiResponse> {
    const res = await send(server.baseUrl, `/api/v1/inbound/${source}`, { method: 'POST', body, headers: { 'Content-Type': 'application/json', ...headers } });
    expectConforms(receiveInbound, res);
    return res;
  }

  /** The `inbound.received` events the caller may list. */
  async function inboundEvents(auth: Record<string, string> = admin.auth) {
    const res = await send(server.baseUrl, '/api/v1/events?types=inbound.received&limit=100', { headers: auth });
    expectConforms(listEvents, res);
    expect(res.status, res.text).toBe(200);
    return (res.body as { data: { id: string; data: { inbound_id: string; source: string; delivery_id: string; type: string | null } }[] }).data;
  }

  async function expectRefused(res: ApiResponse, scheme: string, detail: RegExp) {
    expect(res.status, res.text).toBe(401);
    expect(problemCode(res)).toBe('invalid_signature');
    expect(res.headers.get('www-authenticate')).toBe(`Signature realm="folio", scheme="${scheme}"`);
    expect((res.body as { detail: string }).detail).toMatch(detail);
  }

  describe.each(PROVIDERS)('$scheme', (provider) => {
    const { source } = provider;
    const fresh = (type = 'thing.happened') => {
      const id = provider.source === 'billing' ? `evt_${randomUUID().replaceAll('-', '')}` : randomUUID();
      return { id, ...provider.delivery(id, type) };
    };
    const signed = async (delivery: { id: string; body: string }, options?: { secret?: string; at?: number }): Promise<Delivery> => ({
      ...delivery,
      headers: await provider.sign(delivery, options),
    });

    it('a delivery signed by the official library → 202, recorded once, and inbound.received for administrators only', async () => {
      const delivery = await signed(fresh('invoice.paid'));
      const res = await deliver(source, delivery.body, delivery.headers);
      expect(res.status, res.text).toBe(202);
      const receipt = res.body as { id: string; source: string; delivery_id: string; type: string | null; duplicate: boolean };
      expect(receipt).toMatchObject({ source, delivery_id: delivery.id, type: provider.scheme === 'github' ? 'push' : 'invoice.paid', duplicate: false });

      const logged = (await inboundEvents()).filter((e) => e.data.inbound_id === receipt.id);
      expect(logged.map((e) => e.data)).toEqual([{ inbound_id: receipt.id, source, delivery_id: delivery.id, type: receipt.type }]);
      // Not to anyone else: anonymous callers and a plain account (with posts:read) see none.
      expect((await inboundEvents({})).length).toBe(0);
      expect((await inboundEvents(user.auth)).length).toBe(0);
    });

    it('the same delivery again (a retry, signed anew) → 200 duplicate, the first receipt, nothing new', async () => {
      const delivery = fresh();
      const first = await deliver(source, delivery.body, (await signed(delivery)).headers);
      expect(first.status, first.text).toBe(202);
      const before = await inboundEvents();
      // Signed a second later, as a retry is: a new timestamp, the same delivery id.
      const again = await deliver(source, delivery.body, (await signed(delivery, { at: now() + 1 })).headers);
      expect(again.status, again.text).toBe(200);
      expect(again.body).toEqual({ ...(first.body as object), duplicate: true });
      expect((await inboundEvents()).length).toBe(before.length);
    });

    it('two copies at once → one 202 and one 200, one event', async () => {
      const delivery = await signed(fresh());
      const before = (await inboundEvents()).length;
      const answers = await Promise.all([deliver(source, delivery.body, delivery.headers), deliver(source, delivery.body, delivery.headers)]);
      expect(answers.map((r) => r.status).sort()).toEqual([200, 202]);
      expect((await inboundEvents()).length).toBe(before + 1);
    });

    it('a wrong secret, a changed body, no signature → 401, and nothing recorded', async () => {
      const before = (await inboundEvents()).length;
      const delivery = fresh();
      const wrongSecret = provider.scheme === 'github' ? 'not the secret' : whsec();
      await expectRefused(await deliver(source, delivery.body, (await signed(delivery, { secret: wrongSecret })).headers), provider.scheme, /match/);
      const good = await signed(delivery);
      await expectRefused(await deliver(source, delivery.body.replace('grüße', 'gruesse'), good.headers), provider.scheme, /match/);
      await expectRefused(await deliver(source, `${delivery.body}\n`, good.headers), provider.scheme, /match/);
      // Re-serialised JSON is other bytes: the signature covers what was sent, not what it means.
      await expectRefused(await deliver(source, JSON.stringify(JSON.parse(delivery.body), null, 1), good.headers), provider.scheme, /match/);
      const unsigned = Object.fromEntries(Object.entries(good.headers).filter(([name]) => name !== provider.signatureHeader));
      await expectRefused(await deliver(source, delivery.body, unsigned), provider.scheme, /missing|required/i);
      await expectRefused(await deliver(source, delivery.body, { ...good.headers, [provider.signatureHeader]: 'v1,AAAA' }), provider.scheme, /.+/);
      expect((await inboundEvents()).length).toBe(before);
      // The delivery was never recorded: sent properly now, it is new.
      expect((await deliver(source, good.body, good.headers)).status).toBe(202);
    });

    it('verification comes first: a body that is not JSON, unsigned → 401; signed → 400', async () => {
      const garbage = '{"not": json';
      await expectRefused(await deliver(source, garbage, {}), provider.scheme, /missing|required/i);
      const id = provider.source === 'billing' ? 'evt_garbage' : randomUUID();
      const res = await deliver(source, garbage, await provider.sign({ id, body: garbage }));
      expect(res.status, res.text).toBe(400);
      expect(problemCode(res)).toBe('malformed_json');
    });

    it('a signed delivery Folio cannot record → 400 naming why: no delivery id, or a NUL it cannot store', async () => {
      const delivery = fresh();
      const noId = provider.source === 'billing' ? { ...delivery, body: JSON.stringify({ object: 'event', type: 'x' }) } : { ...delivery, id: '' };
      const headers = await provider.sign(noId);
      const res = await deliver(source, noId.body, Object.fromEntries(Object.entries(headers).filter(([, value]) => value !== '')));
      if (provider.scheme === 'standard-webhooks') {
        // Its id is signed: without one there is no valid signature.
        await expectRefused(res, provider.scheme, /required/);
      } else {
        expect(res.status, res.text).toBe(400);
        expect((res.body as { errors: { pointer: string }[] }).errors.map((e) => e.pointer)).toEqual([provider.idPointer]);
      }
      const nul = fresh();
      const withNul = { ...nul, body: nul.body.replace('"grüße"', '"gr\\u0000üße"') };
      expect(withNul.body).toContain('\\u0000');
      const refused = await deliver(source, withNul.body, await provider.sign(withNul));
      expect(refused.status, refused.text).toBe(400);
      expect(problemCode(refused)).toBe('validation_failed');
      // Nesting jsonb cannot hold: 400 too (a walk that recursed answered 500), and what it can is recorded.
      const nest = (depth: number) => { const d = fresh(); return { ...d, body: d.body.replace(/}$/, `,"deep":${'['.repeat(depth)}${']'.repeat(depth)}}`) }; };
      const deep = nest(20_000);
      const tooDeep = await deliver(source, deep.body, await provider.sign(deep));
      expect(tooDeep.status, tooDeep.text).toBe(400);
      expect((tooDeep.body as { errors: { message: string }[] }).errors[0]!.message).toMatch(`more than ${MAX_PAYLOAD_DEPTH} deep`);
      const huge = fresh();
      const withHuge = { ...huge, body: huge.body.replace(/}$/, ',"big":1e400}') };
      const tooBig = await deliver(source, withHuge.body, await provider.sign(withHuge));
      expect(tooBig.status, tooBig.text).toBe(400);
      expect((tooBig.body as { errors: { pointer: string }[] }).errors.map((e) => e.pointer)).toEqual(['/body/big']);
      const deepest = nest(MAX_PAYLOAD_DEPTH - 1);
      const accepted = await deliver(source, deepest.body, await provider.sign(deepest));
      expect(accepted.status, accepted.text).toBe(202);
    });
  });

  // GitHub signs no timestamp: its replay protection is the delivery id (the duplicate test above).
  describe.each(PROVIDERS.filter((provider) => provider.timestamped))('$scheme', (provider) => {
    it(`a signature dated outside the ${TOLERANCE_SECONDS} s tolerance, either way → 401 (a replay)`, async () => {
      const id = provider.source === 'billing' ? `evt_${randomUUID().replaceAll('-', '')}` : randomUUID();
      const delivery = { id, ...provider.delivery(id, 'late') };
      for (const at of [now() - TOLERANCE_SECONDS - 30, now() + TOLERANCE_SECONDS + 30]) {
        await expectRefused(await deliver(provider.source, delivery.body, await provider.sign(delivery, { at })), provider.scheme, /s (old|ahead|from now)/);
      }
      // Inside it, the same delivery is accepted.
      expect((await deliver(provider.source, delivery.body, await provider.sign(delivery, { at: now() - TOLERANCE_SECONDS + 30 }))).status).toBe(202);
    });
  });

  it('Standard Webhooks: a signature with a secret being rotated out is still accepted', async () => {
    const id = randomUUID();
    const body = JSON.stringify({ type: 'rotated', data: {} });
    const res = await deliver('hooks', body, await PROVIDERS[0]!.sign({ id, body }, { secret: SECRETS.standardOld }));
    expect(res.status, res.text).toBe(202);
  });

  it('the same delivery id from two sources is two deliveries', async () => {
    const id = randomUUID();
    const body = JSON.stringify({ type: 'shared.id', data: {} });
    expect((await deliver('hooks', body, await PROVIDERS[0]!.sign({ id, body }))).status).toBe(202);
    expect((await deliver('gh', body, await PROVIDERS[1]!.sign({ id, body }))).status).toBe(202);
  });

  it('an unknown source → 404, before any signature is looked at', async () => {
    const body = JSON.stringify({ type: 'x' });
    const res = await deliver('nowhere', body, await PROVIDERS[0]!.sign({ id: randomUUID(), body }));
    expect(res.status, res.text).toBe(404);
    expect(problemCode(res)).toBe('inbound_source_not_found');
  });

  it('logs no secret and no signature', async () => {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const log = readFileSync(server.logFile, 'utf8');
    expect(log).toContain('"operation":"receiveInbound"');
    for (const secret of Object.values(SECRETS)) expect(log).not.toContain(secret);
    expect(log).not.toMatch(/sha256=|v1,|t=\d+,v1=/);
  });
});

describe('FOLIO_INBOUND_SOURCES that cannot be read', () => {
  it.each([
    ['not JSON', `{"hooks": ${SECRETS.standard}`],
    ['an unknown scheme', JSON.stringify({ hooks: { scheme: 'svix', secret: SECRETS.standard } })],
    ['a Standard Webhooks secret that is not whsec_ + base64', JSON.stringify({ hooks: { scheme: 'standard-webhooks', secret: `${SECRETS.standard.slice(6)}` } })],
    ['a name that is no path segment', JSON.stringify({ 'Hooks/x': { scheme: 'github', secret: SECRETS.github } })],
  ])('%s: the server refuses to start, naming the variable and never the secret', async (_, value) => {
    const error = await startFolio('pglite', { FOLIO_INBOUND_SOURCES: value }).then(
      async (started) => {
        await started.stop();
        return undefined;
      },
      (e: unknown) => e as Error,
    );
    expect(error, 'the server started').toBeDefined();
    const logFile = /\/tmp\/[^\s]*server\.log/.exec(String(error?.message))?.[0];
    const output = `${error?.message}\n${logFile ? readFileSync(logFile, 'utf8') : ''}`;
    if (logFile) rmSync(dirname(logFile), { recursive: true, force: true });
    expect(output).toContain('FOLIO_INBOUND_SOURCES');
    for (const secret of Object.values(SECRETS)) expect(output).not.toContain(secret.slice(6));
  });
});
