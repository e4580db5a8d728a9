import { describe, expect, it } from 'vitest';
import { resolveClientAddress } from '../../server/front/client-address.ts';
import { originForm, pathOf, undecodable } from '../../server/front/request-target.ts';

describe('resolveClientAddress', () => {
  const SOCKET = '10.0.0.9';
  it.each([
    // [X-Forwarded-For, trusted hops, client]
    [undefined, 0, SOCKET],
    ['203.0.113.1', 0, SOCKET],
    ['203.0.113.1, 198.51.100.7', 0, SOCKET],
    [undefined, 1, SOCKET],
    ['198.51.100.7', 1, '198.51.100.7'],
    ['203.0.113.1, 198.51.100.7', 1, '198.51.100.7'],
    ['203.0.113.1,198.51.100.7 , ', 1, '198.51.100.7'],
    ['203.0.113.1, 198.51.100.7, 10.0.0.2', 2, '198.51.100.7'],
    ['203.0.113.1, 198.51.100.7, 10.0.0.2', 3, '203.0.113.1'],
    // Fewer entries than hops: the leftmost there is (Express's "trust proxy" does the same).
    ['198.51.100.7', 3, '198.51.100.7'],
    [['203.0.113.1', '198.51.100.7'], 1, '198.51.100.7'],
  ])('X-Forwarded-For %j behind %i trusted proxies → %s', (forwardedFor, hops, client) => {
    expect(resolveClientAddress(SOCKET, forwardedFor, hops)).toBe(client);
  });

  it('never lets entries left of the trusted one choose the address', () => {
    const seen = new Set(['1.1.1.1', '2.2.2.2', '3.3.3.3'].map((spoofed) => resolveClientAddress(SOCKET, `${spoofed}, 198.51.100.7`, 1)));
    expect([...seen]).toEqual(['198.51.100.7']);
  });
});

describe('request targets', () => {
  it.each([
    ['/api/v1/posts?limit=1', '/api/v1/posts?limit=1'],
    ['http://other.example/api/v1/posts?limit=1', '/api/v1/posts?limit=1'],
    ['https://other.example', '/'],
    ['http://other.example?x=1', '/?x=1'],
    ['HTTP://Other.Example:8080//api', '//api'],
    ['*', '*'],
  ])('origin form of %s is %s', (target, origin) => {
    expect(originForm(target)).toBe(origin);
  });

  it('keeps percent-escapes in the path, resolving dot segments', () => {
    expect(pathOf('/api/v1/posts/%ff?x=%ff')).toBe('/api/v1/posts/%ff');
    expect(pathOf('/api/v1/posts/../tags')).toBe('/api/v1/tags');
    expect(pathOf('//evil.example/x')).toBe('//evil.example/x');
  });

  it.each([
    ['%ff', true],
    ['%', true],
    ['%e2%82', true],
    ['%c0%ae', true],
    ['caf%C3%A9', false],
    ['a%2Fb', false],
    ['post_01', false],
  ])('%s does not decode: %s', (segment, expected) => {
    expect(undecodable(segment)).toBe(expected);
  });
});
