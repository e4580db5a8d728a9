/**
 * A partner's first try: on a freshly seeded database (`npm run db:seed`), "Test Request" on each
 * list the reference offers without a token, sent with no edit at all, comes back with items. The
 * reference pre-fills nothing that could narrow the list to nothing (an example cursor, tag or
 * search), and the seed makes the example ids it does pre-fill real.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFolio, type RunningFolio } from '../support/folio-server.ts';
import { openChromium, ROOT, SHOTS, type WatchedBrowser } from './chromium.ts';

interface DocumentOperation {
  operationId: string;
  tags: string[];
  security?: Record<string, string[]>[];
  responses: Record<string, unknown>;
}
const document = JSON.parse(readFileSync(join(ROOT, 'openapi.json'), 'utf8')) as { paths: Record<string, Record<string, DocumentOperation>> };

/** The lists anyone may call: a GET whose 200 is a page (`data` …), and whose security allows no token. */
const lists = Object.entries(document.paths).flatMap(([path, item]) => {
  const op = item.get;
  if (!op) return [];
  const anonymous = !op.security?.length || op.security.some((requirement) => Object.keys(requirement).length === 0);
  const paged = JSON.stringify(op.responses['200'] ?? {}).includes('Page') || op.operationId === 'listTags';
  return anonymous && op.operationId.startsWith('list') && paged ? [{ path, operationId: op.operationId, tag: op.tags[0]! }] : [];
});

let server: RunningFolio;
let browser: WatchedBrowser;

beforeAll(async () => {
  server = await startFolio('pglite', {}, { seedPosts: 60 });
  browser = await openChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the reference’s first try, on a seeded database', () => {
  it('offers anonymous lists to try', () => {
    expect(lists.map((l) => l.operationId)).toEqual(expect.arrayContaining(['listPosts', 'listComments', 'listTags']));
  });

  it.each(lists.map((l) => [l.operationId, l] as const))('%s: "Test Request" with no edit returns items', async (_, list) => {
    const { page } = browser;
    await page.goto(`${server.baseUrl}/api/docs#tag/${list.tag.toLowerCase()}/GET${list.path}`);
    await page.getByRole('button', { name: `Test Request (get ${list.path})` }).click();
    const client = page.getByRole('dialog');
    const answered = page.waitForResponse((response) => new URL(response.url()).pathname.startsWith(list.path.replace(/\{.*$/, '')) && response.request().method() === 'GET');
    await client.getByRole('button', { name: /^Send get request/ }).click();
    const response = await answered;
    const body = (await response.json()) as { data?: unknown[] };
    expect(response.status(), `${response.url()}: ${JSON.stringify(body).slice(0, 300)}`).toBe(200);
    expect(body.data?.length ?? 0, `${response.url()} came back empty`).toBeGreaterThan(0);
    await client.getByText('200 OK', { exact: true }).waitFor();
    await page.screenshot({ path: join(SHOTS, `first-try-${list.operationId}.png`), animations: 'disabled' });
    await page.keyboard.press('Escape');
  });
});
