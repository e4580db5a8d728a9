/**
 * The embedded database survives `kill -9`. Round after round, a server on one PGlite folder takes
 * writes from several clients at once and is killed with SIGKILL in the middle of them; the next
 * server opens the folder with no repair, and every post any server acknowledged with 201 is there,
 * exactly as written. At the end the folder is checked as PostgreSQL checks itself: amcheck over
 * every B-tree index (with heapallindexed: each heap tuple is in its indexes) and over the heap of
 * every table, and a full scan. PGlite only, by nature.
 */
import { amcheck } from '@electric-sql/pglite/contrib/amcheck';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { createPost, getPost } from '../../contracts/posts/operations.ts';
import { spawnFolio, type FolioProcess } from '../../scripts/lib/folio-process.ts';
import { openPGlite } from '../../server/db/embedded.ts';
import { send } from '../support/contract-assertions.ts';
import { checkBtreeIndexes, corruptHeaps } from '../support/amcheck.ts';
import { TEST_SERVER_ENV } from '../support/folio-server.ts';
import { signUp, type Account } from '../support/identity.ts';

const ROUNDS = 5;
const WRITERS = 4;

const scratch = mkdtempSync(join(tmpdir(), 'folio-crash-'));
const folder = join(scratch, 'pglite');
afterAll(() => {
  if (!process.env.FOLIO_KEEP_TEST_FILES) rmSync(scratch, { recursive: true, force: true });
});

const serve = (round: number): Promise<FolioProcess> =>
  spawnFolio({ logFile: join(scratch, `round-${round}.log`), env: { ...TEST_SERVER_ENV, DATABASE_URL: '', FOLIO_PGLITE_DIR: folder }, ready: { path: '/api/health/ready', status: 200 } });

interface Written {
  id: string;
  title: string;
  body: string;
}

/** Writers creating posts until the server dies under them; returns what was acknowledged with 201. */
async function writeUntilKilled(server: FolioProcess, account: Account, round: number, killAfterMs: number): Promise<{ acknowledged: Written[]; attempts: number }> {
  const acknowledged: Written[] = [];
  let attempts = 0;
  let alive = true;
  const writer = async (w: number) => {
    for (let i = 0; alive; i++) {
      const title = `Crash round ${round} writer ${w} post ${i}`;
      // A body long enough to span pages, whose every line says whose it is.
      const body = Array.from({ length: 40 }, (_, line) => `${title}, line ${line}.`).join('\n');
      attempts++;
      try {
        const res = await send(server.baseUrl, createPost.path, { method: 'POST', headers: account.auth, json: { title, body, tags: ['crash'] } });
        if (res.status === 201) acknowledged.push({ id: (res.body as { id: string }).id, title, body });
        else expect.fail(`round ${round}: ${res.status} ${res.text}`);
      } catch (error) {
        if (alive) throw error;
      }
    }
  };
  const writers = Array.from({ length: WRITERS }, (_, w) => writer(w));
  await sleep(killAfterMs);
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  alive = false;
  server.child.kill('SIGKILL');
  await exited;
  await Promise.all(writers);
  return { acknowledged, attempts };
}

async function expectAllThere(server: FolioProcess, account: Account, written: Written[]) {
  for (const post of written) {
    const res = await send(server.baseUrl, `${getPost.path.replace('{postId}', post.id)}`, { headers: account.auth });
    expect(res.status, `${post.id} (${post.title}): ${res.text}`).toBe(200);
    expect(res.body).toMatchObject({ id: post.id, title: post.title, body: post.body });
  }
}

describe('an embedded database killed with SIGKILL mid-write', () => {
  it(`keeps every acknowledged post, ${ROUNDS} rounds over, and passes amcheck`, { timeout: 300_000 }, async () => {
    const written: Written[] = [];
    const rounds: string[] = [];
    let account: Account | undefined;
    for (let round = 1; round <= ROUNDS; round++) {
      const started = performance.now();
      const server = await serve(round);
      const openMs = Math.round(performance.now() - started);
      try {
        account ??= await signUp(server.baseUrl);
        // What every earlier server acknowledged survived its SIGKILL.
        await expectAllThere(server, account, written);
        const { acknowledged, attempts } = await writeUntilKilled(server, account, round, 600 + round * 150);
        expect(acknowledged.length).toBeGreaterThan(0);
        written.push(...acknowledged);
        rounds.push(`round ${round}: opened in ${openMs} ms with all ${written.length - acknowledged.length} earlier posts; ${attempts} writes sent, ${acknowledged.length} acknowledged, then SIGKILL`);
      } finally {
        await server.stop();
      }
    }

    const last = await serve(ROUNDS + 1);
    try {
      await expectAllThere(last, account!, written);
    } finally {
      await last.stop();
    }

    const pglite = await openPGlite(folder, { extensions: { amcheck } });
    try {
      const indexes = await checkBtreeIndexes(pglite, { permanentOnly: true });
      expect(indexes).toBeGreaterThan(5);
      expect(await corruptHeaps(pglite), 'verify_heapam').toEqual([]);
      const rows = await pglite.query<{ id: string; title: string; body: string }>(`select id, title, body from posts where 'crash' = any(tags)`);
      const stored = new Map(rows.rows.map((row) => [row.id, row]));
      for (const post of written) expect(stored.get(post.id), post.id).toEqual(post);
      console.log(
        [`Embedded database under SIGKILL (${WRITERS} writers):`, ...rounds.map((r) => `  ${r}`),
          `  after ${ROUNDS} kills: ${written.length} acknowledged posts, all present and intact; ${stored.size} stored (the rest were written but not yet acknowledged); amcheck: ${indexes} B-tree indexes with heapallindexed and every heap clean`].join('\n'),
      );
    } finally {
      await pglite.close();
    }
  });
});
