/**
 * Inbound webhooks in process: FOLIO_INBOUND_SOURCES as the operator writes it (and every way it
 * can be wrong, never echoing a secret), and the retention of recorded deliveries (the embedded
 * database in memory). Signatures over HTTP, signed by the providers' libraries: tests/integration/inbound.test.ts.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { config } from '../../server/config.ts';
import { db } from '../../server/db/index.ts';
import { sweepExpiredDeliveries } from '../../server/events/sweep.ts';
import { receive } from '../../server/inbound/service.ts';
import { parseInboundSources } from '../../server/inbound/sources.ts';

const WHSEC = `whsec_${randomBytes(32).toString('base64')}`;
const GITHUB = 'a github secret: any text, ü and all';

describe('FOLIO_INBOUND_SOURCES', () => {
  it('reads each source’s scheme and secret, or secrets while one rotates', () => {
    const sources = parseInboundSources(
      JSON.stringify({ github: { scheme: 'github', secret: GITHUB }, crm: { scheme: 'standard-webhooks', secrets: [WHSEC, `whsec_${randomBytes(24).toString('base64')}`] } }),
    );
    expect(sources.get('github')).toEqual({ name: 'github', scheme: 'github', secrets: [GITHUB] });
    expect(sources.get('crm')?.secrets).toHaveLength(2);
    expect(parseInboundSources(undefined).size).toBe(0);
    expect(parseInboundSources('  ').size).toBe(0);
  });

  it.each([
    ['not JSON', `{"github": {"scheme": "github", "secret": "${GITHUB}"`, /not valid JSON/],
    ['not an object', JSON.stringify([{ scheme: 'github', secret: GITHUB }]), /expected record/],
    ['an unknown scheme', JSON.stringify({ github: { scheme: 'gitlab', secret: GITHUB } }), /github\.scheme/],
    ['no secret', JSON.stringify({ github: { scheme: 'github' } }), /either "secret" or "secrets"/],
    ['both secret and secrets', JSON.stringify({ github: { scheme: 'github', secret: GITHUB, secrets: [GITHUB] } }), /either "secret" or "secrets"/],
    ['an empty secret', JSON.stringify({ github: { scheme: 'github', secret: '' } }), /must not be empty/],
    ['an unknown field', JSON.stringify({ github: { scheme: 'github', secret: GITHUB, tolerance: 5 } }), /tolerance/],
    ['a name that is no path segment', JSON.stringify({ 'Git Hub': { scheme: 'github', secret: GITHUB } }), /Invalid key|Git Hub/],
    ['a Standard Webhooks secret without whsec_', JSON.stringify({ crm: { scheme: 'standard-webhooks', secret: WHSEC.slice(6) } }), /crm: .*whsec_/],
    ['a Standard Webhooks key too short', JSON.stringify({ crm: { scheme: 'standard-webhooks', secret: `whsec_${randomBytes(8).toString('base64')}` } }), /crm: .*24 to 64 bytes/],
  ])('%s: refused, naming the variable and what is wrong, never a secret', (_, raw, message) => {
    let error: Error | undefined;
    try {
      parseInboundSources(raw);
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toMatch(/^FOLIO_INBOUND_SOURCES: /);
    expect(error?.message).toMatch(message);
    for (const secret of [GITHUB, WHSEC, WHSEC.slice(6)]) expect(error?.message).not.toContain(secret);
  });
});

describe('inbound delivery retention', () => {
  it(`sweeps deliveries older than FOLIO_EVENT_RETENTION_DAYS (${config.eventRetentionDays}); a repeat of one is then new`, async () => {
    const old = { deliveryId: { value: randomUUID(), pointer: '/headers/webhook-id' }, type: 'old' };
    const kept = { deliveryId: { value: randomUUID(), pointer: '/headers/webhook-id' }, type: 'kept' };
    const first = await receive('crm', old, { n: 1 });
    await receive('crm', kept, { n: 2 });
    expect((await receive('crm', old, { n: 1 })).duplicate).toBe(true);
    const expired = new Date(Date.now() - (config.eventRetentionDays * 86_400_000 + 60_000));
    await db().updateTable('inbound_deliveries').set({ received_at: expired }).where('id', '=', first.id).execute();

    expect(await sweepExpiredDeliveries()).toBe(1);
    expect(await sweepExpiredDeliveries()).toBe(0);
    expect((await receive('crm', kept, { n: 2 })).duplicate).toBe(true);
    const again = await receive('crm', old, { n: 1 });
    expect(again.duplicate).toBe(false);
    expect(again.id).not.toBe(first.id);
  });
});
