/**
 * Hostile input, on every database: requests an attacker or an unlucky client sends that once
 * reached a 5xx or were silently changed. Each answer must be a documented 4xx problem (or the
 * success the contract promises), conforming to the operation's contract.
 */
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import * as comments from '../../contracts/comments/operations.ts';
import * as posts from '../../contracts/posts/operations.ts';
import * as tokens from '../../contracts/tokens/operations.ts';
import * as users from '../../contracts/users/operations.ts';
import { encodeCursor } from '../../server/db/cursor.ts';
import { expectConforms, problemCode, send, type ApiResponse } from '../support/contract-assertions.ts';
import { databaseKinds, startFolio, type RunningFolio } from '../support/folio-server.ts';
import { signUp, type Account } from '../support/identity.ts';

const servers = inject('servers');

/** Search texts that break PostgreSQL's own query parsers (operator-stack exhaustion and friends). */
const NASTY_SEARCHES = [
  '-'.repeat(33),
  '-'.repeat(64),
  '-'.repeat(200),
  Array(100).fill('-').join(' '),
  '!'.repeat(100),
  '"'.repeat(100),
  '- - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - a',
  'a & | ! ( ) : * <-> <2> \\ \' "',
  '((((((((((((((((((((((((((((((((((((((((a',
  '"unterminated phrase',
  '-"excluded phrase" or or or -',
  'or',
  '-only -exclusions',
  Array(40).fill('x').join(' or '),
  "'; drop table posts; --",
  'a:* & b:A <-> !c',
];

describe.each(servers)('hostile input on $kind', ({ baseUrl }) => {
  let author: Account;
  let postId: string;

  beforeAll(async () => {
    author = await signUp(baseUrl);
    const created = await send(baseUrl, '/api/v1/posts', {
      method: 'POST',
      headers: author.auth,
      json: { title: 'Hostile input target', body: 'searchable words', status: 'published' },
    });
    expect(created.status, created.text).toBe(201);
    postId = (created.body as { id: string }).id;
  });

  const search = async (q: string): Promise<ApiResponse> => {
    const res = await send(baseUrl, `/api/v1/posts?q=${encodeURIComponent(q)}`);
    expectConforms(posts.listPosts, res);
    return res;
  };

  it.each(NASTY_SEARCHES.map((q) => [q.slice(0, 40), q] as const))('search %j → 200, never a 5xx', async (_, q) => {
    const res = await search(q);
    expect(res.status, res.text).toBe(200);
  });

  it('search: random strings the contract accepts, built from operator characters, all answer 200', async () => {
    const alphabet = fc.constantFrom('-', '"', ' ', '!', '&', '|', '(', ')', ':', '*', '<', '>', 'or', 'OR', 'a', 'b', 'é', '😀', '\\', "'");
    const accepted = (q: string) => posts.listPosts.request.query.shape.q.safeParse(q).success;
    const texts = fc.sample(fc.array(alphabet, { minLength: 1, maxLength: 100 }).map((parts) => parts.join('')).filter(accepted), { numRuns: 40, seed: 20261129 });
    expect(texts.length).toBe(40);
    for (const q of texts) {
      const res = await search(q);
      expect(res.status, `q=${JSON.stringify(q)}: ${res.text}`).toBe(200);
    }
  });

  it('search: words, phrases, or and exclusions find what they say', async () => {
    const make = async (title: string, body: string) => {
      const res = await send(baseUrl, '/api/v1/posts', { method: 'POST', headers: author.auth, json: { title, body, status: 'published' } });
      expect(res.status, res.text).toBe(201);
      return (res.body as { id: string }).id;
    };
    const tag = `zq${Date.now().toString(36)}`;
    const red = await make(`${tag} red apples`, 'fresh fruit');
    const green = await make(`${tag} green pears`, 'ripe fruit');
    const ids = async (q: string) => ((await search(q)).body as { data: { id: string }[] }).data.map((p) => p.id).sort();
    expect(await ids(`${tag} red`)).toEqual([red]);
    expect(await ids(`${tag} -red`)).toEqual([green]);
    expect(await ids(`${tag} red or green`)).toEqual([red, green].sort());
    expect(await ids(`"${tag} green pears"`)).toEqual([green]);
    expect(await ids(`"pears green" ${tag}`)).toEqual([]);
    expect(await ids(`-${tag}`)).toEqual([]);
    // An excluded word in the body excludes a post whose title matches too (it was listed in the title tier).
    const careful = await make(`${tag} cat care`, 'all about the dog');
    const toys = await make(`${tag} cat toys`, 'nothing else');
    expect(await ids(`${tag} cat -dog`)).toEqual([toys]);
    expect(await ids(`${tag} cat`)).toEqual([careful, toys].sort());
    // Stop words and punctuation are no terms: with exclusions alone they search for nothing, not for everything else.
    for (const q of [`the -${tag}`, `... -${tag}`, `the -dog`]) expect(await ids(q), q).toEqual([]);
    // `or` next to an exclusion joins nothing: red stays required.
    expect(await ids(`${tag} red -apples or green`)).toEqual([]);
    expect(await ids(`${tag} -apples or green`)).toEqual([green]);
    // A phrase lies within the title or within the body, never across the two (the search column joins them).
    const across = await make(`${tag} notes on release`, 'Pipeline work goes on.');
    expect(await ids(`"release pipeline" ${tag}`)).toEqual([]);
    expect(await ids(`"notes on release" ${tag}`)).toEqual([across]);
    expect(await ids(`"pipeline work" ${tag}`)).toEqual([across]);
    expect(await ids(`${tag} -"release pipeline"`)).toContain(across);
    expect(await ids(`${tag} -"pipeline work"`)).not.toContain(across);
  });

  it('a search cursor sent to the plain list is read as the position it holds, not as the end of the list', async () => {
    const first = (await search('searchable')).body as { data: { id: string }[]; next_cursor: string | null };
    expect(first.data.map((p) => p.id)).toContain(postId);
    // A body-tier cursor (rank 0) at the newest possible position: the plain list goes on from there.
    const ranked = encodeCursor({ rank: 0, createdAt: new Date(Date.now() + 3_600_000), id: postId });
    const res = await send(baseUrl, `/api/v1/posts?cursor=${ranked}&limit=5`);
    expect(res.status, res.text).toBe(200);
    expect((res.body as { data: unknown[] }).data.length).toBeGreaterThan(0);
  });

  it('a comment racing the deletion of its post gets 201 or 404, never a 5xx', async () => {
    for (let round = 0; round < 8; round++) {
      const created = await send(baseUrl, '/api/v1/posts', { method: 'POST', headers: author.auth, json: { title: `Race ${round}`, status: 'published' } });
      const id = (created.body as { id: string }).id;
      const commenting = Array.from({ length: 6 }, () =>
        send(baseUrl, `/api/v1/posts/${id}/comments`, { method: 'POST', headers: author.auth, json: { body: 'first!' } }),
      );
      const deleting = send(baseUrl, `/api/v1/posts/${id}`, { method: 'DELETE', headers: author.auth });
      const [deleted, ...answers] = await Promise.all([deleting, ...commenting]);
      expect(deleted.status, deleted.text).toBe(204);
      for (const res of answers) {
        expectConforms(comments.createComment, res);
        expect([201, 404], res.text).toContain(res.status);
      }
      // Whatever was created went with the post.
      const after = await send(baseUrl, `/api/v1/posts/${id}/comments`);
      expect(after.status).toBe(404);
    }
  });

  it('a compressed body (even a small gzip bomb) → 415 naming the accepted coding, without decompressing it', async () => {
    const bomb = gzipSync(Buffer.from(JSON.stringify({ title: 'x'.repeat(50 * 1024 * 1024) })));
    expect(bomb.length).toBeLessThan(100 * 1024);
    const res = await send(baseUrl, '/api/v1/posts', {
      method: 'POST',
      body: bomb,
      headers: { ...author.auth, 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
    });
    expectConforms(posts.createPost, res);
    expect(res.status, res.text).toBe(415);
    expect(problemCode(res)).toBe('unsupported_media_type');
    expect(res.headers.get('accept-encoding')).toBe('identity');
    // `identity` is no coding at all, and is accepted.
    const plain = await send(baseUrl, '/api/v1/posts', {
      method: 'POST',
      body: JSON.stringify({ title: 'Identity coding' }),
      headers: { ...author.auth, 'Content-Type': 'application/json', 'Content-Encoding': 'identity' },
    });
    expect(plain.status, plain.text).toBe(201);
  });

  it.each([
    ['a lone high surrogate', '"\\ud800"'],
    ['a lone low surrogate', '"x\\udc00y"'],
    ['a reversed pair', '"\\udc00\\ud800"'],
  ])('%s in a JSON string → 400 naming the field, nothing stored', async (_, literal) => {
    const body = `{"title": ${literal}, "status": "published"}`;
    const res = await send(baseUrl, '/api/v1/posts', { method: 'POST', body, headers: { ...author.auth, 'Content-Type': 'application/json' } });
    expectConforms(posts.createPost, res);
    expect(res.status, res.text).toBe(400);
    expect((res.body as { errors: { pointer: string }[] }).errors.map((e) => e.pointer)).toEqual(['/body/title']);
    const comment = await send(baseUrl, `/api/v1/posts/${postId}/comments`, {
      method: 'POST',
      body: `{"body": ${literal}}`,
      headers: { ...author.auth, 'Content-Type': 'application/json' },
    });
    expect(comment.status, comment.text).toBe(400);
    expect((comment.body as { errors: { pointer: string }[] }).errors.map((e) => e.pointer)).toEqual(['/body/body']);
  });

  it('a surrogate pair (an emoji) is one character and is kept as sent', async () => {
    const res = await send(baseUrl, '/api/v1/posts', { method: 'POST', body: '{"title": "Party \\ud83c\\udf89"}', headers: { ...author.auth, 'Content-Type': 'application/json' } });
    expect(res.status, res.text).toBe(201);
    expect((res.body as { title: string }).title).toBe('Party 🎉');
  });

  it.each([
    ['arrays', `${'['.repeat(20_000)}${']'.repeat(20_000)}`],
    ['objects', `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`],
  ])('JSON nested 20,000 deep in %s → 400 on an anonymous operation, as on any other', async (_, body) => {
    const res = await send(baseUrl, '/api/v1/users', { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });
    expectConforms(users.createUser, res);
    expect(res.status, res.text).toBe(400);
    const deep = await send(baseUrl, '/api/v1/posts', { method: 'POST', body: `{"title": ${body}}`, headers: { ...author.auth, 'Content-Type': 'application/json' } });
    expectConforms(posts.createPost, deep);
    expect(deep.status, deep.text).toBe(400);
    expect((deep.body as { errors: { pointer: string }[] }).errors.map((e) => e.pointer)).toContain('/body/title');
  });

  it('a member name given twice → 400 naming it, nothing stored (I-JSON: never the first to one reader, the last to another)', async () => {
    const title = `Twice ${randomUUID()}`;
    const body = `{"title": "${title}", "status": "published", "t\\u0069tle": "${title} again"}`;
    const res = await send(baseUrl, '/api/v1/posts', { method: 'POST', body, headers: { ...author.auth, 'Content-Type': 'application/json' } });
    expectConforms(posts.createPost, res);
    expect(res.status, res.text).toBe(400);
    expect((res.body as { errors: { pointer: string }[] }).errors.map((e) => e.pointer)).toEqual(['/body/title']);
    const search = await send(baseUrl, `/api/v1/posts?q=${encodeURIComponent(`"${title}"`)}`);
    expect((search.body as { data: unknown[] }).data).toEqual([]);
  });

  it('every unpaired surrogate is named, in the body’s order, member names included', async () => {
    const body = '{"title": "ok", "tags": ["a", "\\ud800", ["\\udc00"]], "x\\ud801": "\\ud802", "body": "\\udfff"}';
    const res = await send(baseUrl, '/api/v1/posts', { method: 'POST', body, headers: { ...author.auth, 'Content-Type': 'application/json' } });
    expect(res.status, res.text).toBe(400);
    expect((res.body as { errors: { pointer: string }[] }).errors.map((e) => e.pointer)).toEqual([
      '/body/tags/1',
      '/body/tags/2/0',
      '/body/x\ud801',
      '/body/x\ud801',
      '/body/body',
    ]);
  });

  it.each([
    ['whitespace only', ' '.repeat(12), '/body/password'],
    ['tabs and newlines only', '\t\n\t\n\t\n\t\n\t\n', '/body/password'],
  ])('registering with a password of %s → 400', async (_, password, pointer) => {
    const res = await send(baseUrl, '/api/v1/users', {
      method: 'POST',
      json: { email: `blank${Date.now()}@example.com`, username: `blank${Date.now().toString(36)}`, display_name: 'Blank', password },
    });
    expectConforms(users.createUser, res);
    expect(res.status, res.text).toBe(400);
    expect((res.body as { errors: { pointer: string }[] }).errors.map((e) => e.pointer)).toEqual([pointer]);
  });

  it.each([
    ['a local part over 64 characters', `${'a'.repeat(65)}@example.com`],
    ['an all-digit top-level label', 'ada@example.123'],
    ['a one-letter top-level label', 'ada@example.c'],
    ['a label over 63 characters', `ada@${'b'.repeat(64)}.com`],
  ])('an email with %s → 400 on registration and on update', async (_, email) => {
    const registered = await send(baseUrl, '/api/v1/users', {
      method: 'POST',
      json: { email, username: `mail${Date.now().toString(36)}`, display_name: 'Mail', password: 'correct horse battery staple' },
    });
    expectConforms(users.createUser, registered);
    expect(registered.status, registered.text).toBe(400);
    const updated = await send(baseUrl, '/api/v1/me', { method: 'PATCH', headers: author.auth, json: { email } });
    expectConforms(users.updateMe, updated);
    expect(updated.status, updated.text).toBe(400);
  });

  it('an email of exactly 64 characters before the @ is accepted', async () => {
    const email = `${'c'.repeat(60)}${Date.now().toString(36).slice(-4)}@example.com`;
    const res = await send(baseUrl, '/api/v1/users', {
      method: 'POST',
      json: { email, username: `l64${Date.now().toString(36)}`, display_name: 'Long', password: 'correct horse battery staple' },
    });
    expect(res.status, res.text).toBe(201);
    expect((res.body as { email: string }).email).toBe(email);
  });

  it('a token name of whitespace only → 400', async () => {
    const res = await send(baseUrl, '/api/v1/tokens', { method: 'POST', json: { email: author.email, password: author.password, name: '   ' } });
    expectConforms(tokens.createToken, res);
    expect(res.status, res.text).toBe(400);
  });
});

// Password hashing runs on libuv's small thread pool: a burst of sign-ins is bounded, and what
// does not fit in the queue is refused at once (503 + Retry-After) instead of queueing forever.
describe.each(databaseKinds())('a burst of sign-ins on %s', (kind) => {
  let server: RunningFolio;
  beforeAll(async () => {
    server = await startFolio(kind, { FOLIO_HASH_CONCURRENCY: '1', FOLIO_HASH_QUEUE: '2' });
  });
  afterAll(async () => server?.stop());

  it('hashes a bounded number at once and refuses the rest with a documented 503', async () => {
    const attempts = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        send(server.baseUrl, '/api/v1/tokens', { method: 'POST', json: { email: `burst${i}@example.com`, password: 'wrong password' } }),
      ),
    );
    for (const res of attempts) expectConforms(tokens.createToken, res);
    const statuses = attempts.map((res) => res.status);
    expect(statuses.filter((s) => s === 401).length, statuses.join(',')).toBeGreaterThanOrEqual(3);
    const refused = attempts.filter((res) => res.status === 503);
    expect(refused.length, statuses.join(',')).toBeGreaterThan(0);
    expect(refused.every((res) => res.headers.get('retry-after') === '1' && problemCode(res) === 'service_unavailable')).toBe(true);
    expect(statuses.every((s) => s === 401 || s === 503)).toBe(true);
    // Once the burst is over, sign-in works again.
    expect((await send(server.baseUrl, '/api/v1/tokens', { method: 'POST', json: { email: 'after@example.com', password: 'wrong password' } })).status).toBe(401);
  });
});
