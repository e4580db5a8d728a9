/**
 * One process per embedded database folder (server/db/folder-lock.ts). Two servers on one
 * PGlite folder both used to accept writes and lost half of them, with broken indexes. Now a
 * second server, and the migrate and seed scripts, refuse a folder a server holds, naming the
 * holder; and a holder killed with SIGKILL leaves the folder free for the next server at once,
 * with everything it acknowledged intact. PGlite only, by nature.
 */
import { amcheck } from '@electric-sql/pglite/contrib/amcheck';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPost } from '../../contracts/posts/operations.ts';
import { freePort, REPO_ROOT, spawnFolio, type FolioProcess } from '../../scripts/lib/folio-process.ts';
import { openPGlite } from '../../server/db/embedded.ts';
import { send } from '../support/contract-assertions.ts';
import { checkBtreeIndexes } from '../support/amcheck.ts';
import { TEST_SERVER_ENV } from '../support/folio-server.ts';
import { signUp, type Account } from '../support/identity.ts';

let scratch: string;
let folder: string;
const servers: FolioProcess[] = [];

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'folio-lock-'));
  folder = join(scratch, 'pglite');
});

afterAll(async () => {
  for (const server of servers) await server.stop();
  if (!process.env.FOLIO_KEEP_TEST_FILES) rmSync(scratch, { recursive: true, force: true });
});

const onFolder = () => ({ ...TEST_SERVER_ENV, DATABASE_URL: '', FOLIO_PGLITE_DIR: folder });

async function serve(name: string): Promise<FolioProcess> {
  const server = await spawnFolio({ logFile: join(scratch, `${name}.log`), env: onFolder(), ready: { path: '/api/v1/users/nobody', status: 404 } });
  servers.push(server);
  return server;
}

/**
 * Runs `node <args>` in the repository to its end — or for 20 s, when it is stopped (a server
 * that starts when it should not) — and returns its exit code and everything it printed.
 */
function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

async function createPosts(baseUrl: string, account: Account, tag: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const res = await send(baseUrl, createPost.path, { method: 'POST', json: { title: `Kept ${i}`, tags: [tag] }, headers: account.auth });
    expect(res.status, res.text).toBe(201);
    ids.push((res.body as { id: string }).id);
  }
  return ids;
}

async function idsByTag(baseUrl: string, account: Account, tag: string): Promise<string[]> {
  const res = await send(baseUrl, `/api/v1/posts?tag=${tag}&status=draft&limit=100`, { headers: account.auth });
  expect(res.status, res.text).toBe(200);
  return (res.body as { data: { id: string }[] }).data.map((p) => p.id).sort();
}

describe('an embedded database folder', () => {
  let holder: FolioProcess;
  let account: Account;
  let written: string[];

  it('is refused to a second server and to the migrate and seed scripts while a server holds it', { timeout: 90_000 }, async () => {
    holder = await serve('holder');
    account = await signUp(holder.baseUrl);
    written = await createPosts(holder.baseUrl, account, 'before-kill', 5);

    const refusal = `The embedded database folder ${folder} is in use by another process (pid ${holder.child.pid} on `;
    const second = await run(['server/start.ts'], { ...onFolder(), NODE_ENV: 'production', PORT: String(await freePort()), FOLIO_HOST: '127.0.0.1' });
    expect(second.code, second.output).toBe(1);
    expect(second.output).toContain(refusal);
    expect(second.output).toContain(`Stop that process first (kill ${holder.child.pid})`);

    for (const script of [['scripts/migrate.ts'], ['scripts/seed.ts', '--posts', '3']]) {
      const result = await run(script, onFolder());
      expect(result.code, `${script[0]}: ${result.output}`).toBe(1);
      expect(result.output, script[0]).toContain(refusal);
    }

    // The holder never noticed: it still reads and writes.
    written.push(...(await createPosts(holder.baseUrl, account, 'before-kill', 1)));
    expect(await idsByTag(holder.baseUrl, account, 'before-kill')).toEqual([...written].sort());
  });

  it('is free for the next server the moment its holder is killed, with what was written intact', async () => {
    const killed = new Promise((resolve) => holder.child.once('exit', resolve));
    holder.child.kill('SIGKILL');
    await killed;

    const next = await serve('after-kill');
    expect(await idsByTag(next.baseUrl, account, 'before-kill')).toEqual([...written].sort());
    written.push(...(await createPosts(next.baseUrl, account, 'before-kill', 1)));
    await next.stop();

    // Given up on a clean stop too; and every B-tree index checks out.
    const pglite = await openPGlite(folder, { extensions: { amcheck } });
    try {
      expect(await checkBtreeIndexes(pglite)).toBeGreaterThan(5);
      const posts = await pglite.query<{ count: number }>(`select count(*)::int as count from posts where 'before-kill' = any(tags)`);
      expect(posts.rows[0]?.count).toBe(written.length);
    } finally {
      await pglite.close();
    }
  });
});
