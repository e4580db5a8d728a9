/**
 * Privilege: who becomes an administrator, what a narrowly scoped token may do, what a conflict
 * may reveal, and budgets that must not multiply. Regression tests for the adversarial review.
 */
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import * as posts from '../../contracts/posts/operations.ts';
import * as tokens from '../../contracts/tokens/operations.ts';
import * as users from '../../contracts/users/operations.ts';
import { runAdmin } from '../../scripts/admin.ts';
import { openDatabase } from '../../scripts/lib/database.ts';
import type { Database } from '../../server/db/schema.ts';
import { expectConforms, problemCode, send } from '../support/contract-assertions.ts';
import { databaseKinds, startFolio, type RunningFolio } from '../support/folio-server.ts';
import { issueToken, PASSWORD, signUp, type Account } from '../support/identity.ts';

const servers = inject('servers');

describe.each(servers)('privilege on $kind', ({ baseUrl }) => {
  let owner: Account;
  beforeAll(async () => {
    owner = await signUp(baseUrl);
  });

  it('a posts:read partner key cannot read the account, list its tokens or revoke the full-power one', async () => {
    const partner = await issueToken(baseUrl, owner, { scopes: ['posts:read'] });
    const auth = { Authorization: `Bearer ${partner.token}` };
    const me = await send(baseUrl, '/api/v1/me', { headers: auth });
    expectConforms(users.getMe, me);
    expect(me.status, me.text).toBe(403);
    expect(me.text).not.toContain(owner.email);
    const list = await send(baseUrl, '/api/v1/tokens', { headers: auth });
    expectConforms(tokens.listTokens, list);
    expect(list.status, list.text).toBe(403);
    const revoke = await send(baseUrl, `/api/v1/tokens/${owner.tokenId}`, { method: 'DELETE', headers: auth });
    expectConforms(tokens.deleteToken, revoke);
    expect(revoke.status, revoke.text).toBe(403);
    expect(problemCode(revoke)).toBe('forbidden');
    // The full-power token still works, and with the scopes it needs does all three.
    expect((await send(baseUrl, '/api/v1/me', { headers: owner.auth })).status).toBe(200);
    expect((await send(baseUrl, '/api/v1/tokens', { headers: owner.auth })).status).toBe(200);
    expect((await send(baseUrl, `/api/v1/tokens/${partner.tokenId}`, { method: 'DELETE', headers: owner.auth })).status).toBe(204);
  });

  it('asking for the admin scope is refused to anyone an operator did not make an administrator', async () => {
    const res = await send(baseUrl, '/api/v1/tokens', { method: 'POST', json: { email: owner.email, password: PASSWORD, scopes: ['admin'] } });
    expectConforms(tokens.createToken, res);
    expect(res.status, res.text).toBe(403);
  });

  it('a slug conflict never reveals another user’s draft', async () => {
    const [other, third] = await Promise.all([signUp(baseUrl), signUp(baseUrl)]);
    const slug = `secret-plan-${Date.now().toString(36)}`;
    const title = `Secret plan ${Date.now().toString(36)}`;
    const draft = await send(baseUrl, '/api/v1/posts', { method: 'POST', headers: other.auth, json: { title, slug } });
    expect(draft.status, draft.text).toBe(201);
    // The same slug, derived from the same title or given explicitly: the draft is invisible, so it does not conflict.
    const derived = await send(baseUrl, '/api/v1/posts', { method: 'POST', headers: third.auth, json: { title } });
    expect(derived.status, derived.text).toBe(201);
    expect((derived.body as { slug: string }).slug).toBe(slug);
    const explicit = await send(baseUrl, '/api/v1/posts', { method: 'POST', headers: owner.auth, json: { title: 'Mine', slug, status: 'published' } });
    expectConforms(posts.createPost, explicit);
    expect(explicit.status, explicit.text).toBe(201);
    // Conflicts that remain are with posts the caller can see: a published one, or their own.
    const published = await send(baseUrl, `/api/v1/posts/${(draft.body as { id: string }).id}`, {
      method: 'PATCH',
      headers: other.auth,
      json: { status: 'published' },
    });
    expectConforms(posts.updatePost, published);
    expect(published.status, published.text).toBe(409);
    expect(problemCode(published)).toBe('slug_taken');
    const own = await send(baseUrl, '/api/v1/posts', { method: 'POST', headers: other.auth, json: { title: 'Again', slug } });
    expect(own.status, own.text).toBe(409);
  });
});

// Granting and withdrawing needs the database while the server runs: PostgreSQL (the embedded
// database belongs to the server's process; there an operator stops it first).
describe.each(servers.filter((server) => server.databaseUrl))('administrator rights on $kind', ({ baseUrl, databaseUrl }) => {
  it('administrator rights come from the operator’s command, and withdrawing them takes effect at once', async () => {
    const candidate = await signUp(baseUrl);
    const victim = await signUp(baseUrl);
    const draft = await send(baseUrl, '/api/v1/posts', { method: 'POST', headers: victim.auth, json: { title: 'Victim draft' } });
    const draftId = (draft.body as { id: string }).id;
    const conn = (await openDatabase({ kind: 'postgres', url: databaseUrl! }, { poolSize: 1 })) as Kysely<Database>;
    try {
      await runAdmin(conn, ['grant', candidate.user.username]);
      const admin = await issueToken(baseUrl, candidate, { scopes: ['admin', 'posts:read'] });
      const auth = { Authorization: `Bearer ${admin.token}` };
      expect((await send(baseUrl, `/api/v1/posts/${draftId}`, { headers: auth })).status).toBe(200);
      await runAdmin(conn, ['revoke', candidate.user.username]);
      // The token still carries `admin`, but its user is no longer an administrator.
      const after = await send(baseUrl, `/api/v1/posts/${draftId}`, { headers: auth });
      expect(after.status, after.text).toBe(404);
      expect(await runAdmin(conn, ['list'])).not.toContain(candidate.user.username);
    } finally {
      await conn.destroy();
    }
  });
});

describe.each(databaseKinds())('budgets on %s', (kind) => {
  let server: RunningFolio;
  beforeAll(async () => {
    server = await startFolio(kind, {
      FOLIO_RATE_LIMITS: 'read=6/600,write=100/600,auth=8/600',
      FOLIO_TRUST_PROXY: 'true',
      // The variable that once made administrators of whoever registered these addresses.
      FOLIO_ADMIN_EMAILS: 'boss@example.com',
    });
  });
  afterAll(async () => server?.stop());

  const from = (address: string) => ({ 'X-Forwarded-For': address });

  it('registering an address once listed in FOLIO_ADMIN_EMAILS makes no administrator', async () => {
    const res = await send(server.baseUrl, '/api/v1/users', {
      method: 'POST',
      headers: from('10.1.0.1'),
      json: { email: 'boss@example.com', username: 'boss', display_name: 'Boss', password: PASSWORD },
    });
    expect(res.status, res.text).toBe(201);
    const admin = await send(server.baseUrl, '/api/v1/tokens', {
      method: 'POST',
      headers: from('10.1.0.2'),
      json: { email: 'boss@example.com', password: PASSWORD, scopes: ['admin'] },
    });
    expect(admin.status, admin.text).toBe(403);
  });

  it('read budgets count per account, across all its tokens', async () => {
    await send(server.baseUrl, '/api/v1/users', {
      method: 'POST',
      headers: from('10.2.0.1'),
      json: { email: 'many@example.com', username: 'many', display_name: 'Many', password: PASSWORD },
    });
    const tokensOf = await Promise.all(
      [1, 2, 3].map(async (n) => {
        const res = await send(server.baseUrl, '/api/v1/tokens', { method: 'POST', headers: from(`10.2.1.${n}`), json: { email: 'many@example.com', password: PASSWORD } });
        expect(res.status, res.text).toBe(201);
        return { Authorization: `Bearer ${(res.body as { token: string }).token}` };
      }),
    );
    const statuses: number[] = [];
    for (let i = 0; i < 9; i++) statuses.push((await send(server.baseUrl, '/api/v1/tags', { headers: { ...tokensOf[i % 3]!, ...from(`10.2.2.${i}`) } })).status);
    // listTags reads no credentials: per address. /me reads them: per account.
    const me: number[] = [];
    for (let i = 0; i < 9; i++) me.push((await send(server.baseUrl, '/api/v1/me', { headers: { ...tokensOf[i % 3]!, ...from(`10.2.3.${i}`) } })).status);
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(me).toEqual([200, 200, 200, 200, 200, 200, 429, 429, 429]);
  });

  it('sign-in attempts count per account too, so rotating addresses does not help guessing', async () => {
    const attempt = (email: string, n: number) =>
      send(server.baseUrl, '/api/v1/tokens', { method: 'POST', headers: from(`10.3.0.${n}`), json: { email, password: 'wrong password guess' } });
    const statuses: number[] = [];
    for (let n = 0; n < 10; n++) statuses.push((await attempt('target@example.com', n)).status);
    expect(statuses.slice(0, 8)).toEqual(Array(8).fill(401));
    expect(statuses.slice(8)).toEqual([429, 429]);
    const limited = await attempt('target@example.com', 99);
    expect(limited.headers.get('retry-after')).toMatch(/^[0-9]+$/);
    expectConforms(tokens.createToken, limited);
    // Another account, from a fresh address, is not held back.
    expect((await attempt('someone-else@example.com', 100)).status).toBe(401);
  });
});
