/**
 * The rules deliveries follow, with the defaults (no FOLIO_WEBHOOK_ALLOW_HOSTS): which addresses
 * Folio may call — checked again as each delivery connects, on what the name resolved to — and
 * the retry schedule.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealingKey } from '../../server/config.ts';
import { nextDelay } from '../../server/webhooks/attempt.ts';
import { addressAllowed, checkUrl } from '../../server/webhooks/destination.ts';
import { newSecret } from '../../server/webhooks/secrets.ts';
import { sendWebhook } from '../../server/webhooks/send.ts';

describe('addresses Folio may call', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.0.1', 'private'],
    ['100.64.0.1', 'shared (CGNAT)'],
    ['169.254.169.254', 'link-local: cloud metadata'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['::1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fd00:ec2::254', 'unique local: cloud metadata'],
    ['::ffff:10.0.0.1', 'an IPv4-mapped private address'],
    ['2002:0a00:0001::', '6to4 around a private address'],
    ['64:ff9b::a00:1', 'NAT64 around a private address'],
    ['::a9fe:a9fe', 'IPv4-compatible (deprecated) around the metadata address'],
    ['::808:808', 'IPv4-compatible, whatever it holds'],
  ])('refuses %s (%s)', (address) => {
    expect(addressAllowed(address)).toBe(false);
  });

  it.each(['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('allows the public address %s', (address) => {
    expect(addressAllowed(address)).toBe(true);
  });

  it('checks URLs as endpoints are saved: scheme, literal hosts, and names by what they resolve to', async () => {
    expect(await checkUrl('ftp://example.com/')).toBe('invalid');
    expect(await checkUrl('http://[::1')).toBe('invalid');
    expect(await checkUrl('http://127.0.0.1/')).toBe('address_refused');
    expect(await checkUrl('http://0x7f000001/')).toBe('address_refused');
    expect(await checkUrl('http://localhost:8080/hook')).toBe('address_refused');
    expect(await checkUrl('http://8.8.8.8/')).toBeUndefined();
    // A name that does not resolve yet is saved; each delivery resolves it again.
    expect(await checkUrl('https://receiver.invalid/hook')).toBeUndefined();
  });
});

describe('a delivery', () => {
  let hits = 0;
  const server = createServer((_, res) => {
    hits++;
    res.end('ok');
  });
  let port = 0;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('is refused at connection time when the name resolves to an address Folio may not call', async () => {
    // `localhost` resolves to 127.0.0.1 now: as a name changing its answer after the check would.
    for (const url of [`http://localhost:${port}/hook`, `http://127.0.0.1:${port}/hook`]) {
      const { attempt } = await sendWebhook(url, 'evt_1', '{}', [newSecret()]);
      expect(attempt).toMatchObject({ success: false, status_code: null, error: 'address_refused' });
    }
    expect(hits).toBe(0);
  });

  it('records a name that does not resolve as dns_failed', async () => {
    const { attempt } = await sendWebhook('http://receiver.invalid/hook', 'evt_1', '{}', [newSecret()]);
    expect(attempt).toMatchObject({ success: false, error: 'dns_failed' });
  });
});

describe('the retry schedule (default: 0, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h)', () => {
  it('waits each step, with at most 10% jitter, and stops after the last', () => {
    const minutes = 60_000;
    const steps = [5_000, 5 * minutes, 30 * minutes, 120 * minutes, 300 * minutes, 600 * minutes, 600 * minutes];
    steps.forEach((base, i) => {
      const delay = nextDelay(i + 1)!;
      expect(delay).toBeGreaterThanOrEqual(base);
      expect(delay).toBeLessThanOrEqual(base * 1.1);
    });
    expect(nextDelay(8)).toBeUndefined();
  });

  it('waits as long as Retry-After asks when that is longer, up to a day', () => {
    expect(nextDelay(1, 60_000)).toBe(60_000);
    expect(nextDelay(1, 1000)).toBeLessThanOrEqual(5_500);
    expect(nextDelay(1, 7 * 86_400_000)).toBe(86_400_000);
  });
});

describe('the key that seals signing secrets', () => {
  it('is 32 bytes in base64; anything else is refused when the settings are read, naming the setting', () => {
    const key = Buffer.alloc(32, 7);
    expect(sealingKey('FOLIO_WEBHOOK_SECRET_KEY', ` ${key.toString('base64')}\n`)).toEqual(key);
    expect(sealingKey('FOLIO_WEBHOOK_SECRET_KEY', undefined)).toBeUndefined();
    for (const wrong of ['', 'short', Buffer.alloc(31).toString('base64'), Buffer.alloc(33).toString('base64'), 'a-key-that-is-not-base64-at-all-0123456789']) {
      expect(() => sealingKey('FOLIO_WEBHOOK_SECRET_KEY', wrong)).toThrow(/^FOLIO_WEBHOOK_SECRET_KEY must hold 32 bytes in base64/);
    }
  });
});
