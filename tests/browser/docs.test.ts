/**
 * The interactive reference in a real browser: Debian's Chromium (headless, through playwright-core)
 * opens /api/docs of the production build, finds every operation of the committed openapi.json in
 * the sidebar, and sends a real request with Scalar's "Test Request" client, which the server must
 * log. The page may load nothing from another host: the machine it runs on has no internet, and the
 * reference must not depend on a CDN. It works under its Content-Security-Policy: no violation is
 * reported, and no other site may frame it. Screenshots go to test-results/browser/.
 *
 *   npm run test:browser        (needs a production build and /usr/bin/chromium, or CHROMIUM_PATH)
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { send } from '../support/contract-assertions.ts';
import { signUp } from '../support/identity.ts';
import { openChromium, ROOT, SHOTS, type WatchedBrowser } from './chromium.ts';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

interface Operation {
  method: string;
  path: string;
  operationId: string;
  summary: string;
  tag: string;
}

const document = JSON.parse(readFileSync(join(ROOT, 'openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, { operationId: string; summary: string; tags: string[] }>>;
  webhooks: Record<string, { post: { summary: string } }>;
  tags?: { name: string }[];
};
const operations: Operation[] = Object.entries(document.paths).flatMap(([path, item]) =>
  Object.entries(item)
    .filter(([method]) => METHODS.includes(method))
    .map(([method, op]) => ({ method: method.toUpperCase(), path, operationId: op.operationId, summary: op.summary, tag: op.tags[0]! })),
);

const webhooks = Object.entries(document.webhooks).map(([name, item]) => ({ name, summary: item.post.summary }));

const server = inject('servers').find((s) => s.kind === 'pglite')!;
const origin = new URL(server.baseUrl).origin;

let browser: WatchedBrowser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  browser = await openChromium();
  ({ context, page } = browser);
});

afterAll(async () => {
  await browser?.close();
});

describe('the API reference at /api/docs', () => {
  it('is a page that references no other host, with Scalar served by Folio', async () => {
    const html = await send(server.baseUrl, '/api/docs');
    expect(html.status, html.text).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    // No absolute or protocol-relative URL anywhere in the HTML: not in src/href, not in CSS, not in the config.
    expect(html.text.match(/(?:https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}/gi) ?? [], html.text).toEqual([]);
    const scripts = [...html.text.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts).toHaveLength(1);
    expect(scripts[0]).toMatch(/^\/api\/docs\/scalar\.js\?v=[\w-]+$/);
    // Its policy: scripts from Folio and the inline start-up script by its hash; never eval; framed by no one.
    const policy = html.headers.get('content-security-policy');
    expect(policy).toMatch(/(^|; )script-src 'self' 'sha256-[\w+/=]+'(;|$)/);
    expect(policy).toMatch(/(^|; )frame-ancestors 'none'(;|$)/);
    expect(policy).not.toContain('unsafe-eval');

    const bundle = await fetch(`${server.baseUrl}${scripts[0]}`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(bundle.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const source = await bundle.text();
    const scalar = readFileSync(join(ROOT, 'node_modules/@scalar/api-reference/dist/browser/standalone.js'), 'utf8');
    // Scalar's bundle, after one line that turns off Zod's eval probe (app/api/docs/reference.ts).
    expect(source.endsWith(scalar)).toBe(true);
    expect(source.slice(0, -scalar.length)).toMatch(/^globalThis\.__zod_globalConfig = [^\n]*jitless: true[^\n]*\n$/);
  });

  it(`shows all ${operations.length} operations and ${webhooks.length} webhooks of openapi.json, each under its tag`, async () => {
    await page.goto(`${server.baseUrl}/api/docs`);
    const sidebar = page.getByRole('complementary', { name: /^Sidebar for / });
    await sidebar.getByText(operations[0]!.summary, { exact: true }).waitFor();
    await page.screenshot({ path: join(SHOTS, 'docs.png'), animations: 'disabled' });

    // Groups other than the first start closed; open each tag's group to list its operations.
    for (const tag of new Set(operations.map((op) => op.tag))) {
      const open = sidebar.getByRole('button', { name: new RegExp(`^Open Group - ${tag}$`, 'i') });
      if (await open.count()) await open.click();
    }
    const missing: string[] = [];
    for (const op of operations) {
      // Scalar's sidebar entries carry "…/tag/<tag>/<METHOD><path>" ids; the entry's text is the summary.
      const entry = sidebar.locator(`li[data-sidebar-id$="/${op.method}${op.path}"]`);
      const text = (await entry.count()) === 1 ? (await entry.innerText()).replace(/\s+/g, ' ') : '';
      if (!text.includes(op.summary) || !text.includes(op.method === 'DELETE' ? 'DEL' : op.method)) {
        missing.push(`${op.operationId}: ${op.method} ${op.path} "${op.summary}" (sidebar entry: "${text}")`);
      }
    }
    expect(missing, `operations missing from the reference:\n${missing.join('\n')}`).toEqual([]);
    // The outgoing calls (the document's `webhooks`) are listed too, each under its tag, by summary.
    const shown = await sidebar
      .locator('li[data-sidebar-id*="/webhook/POST/"]')
      .evaluateAll((items) => items.map((item) => (item as HTMLElement).innerText.replace(/\s+/g, ' ').trim()));
    // (Scalar follows the summary with a visually hidden "HTTP METHOD:" label.)
    expect(shown.map((text) => text.replace(/ HTTP METHOD:.*$/, '')).sort()).toEqual(webhooks.map((w) => w.summary).sort());
    const entries = await sidebar.locator('li[data-sidebar-id*="/tag/"]:not(:has(li))').count();
    expect(entries, 'sidebar entries: operations and webhooks').toBe(operations.length + webhooks.length);
  });

  it('sends a real request with "Test Request" and shows the server’s answer', async () => {
    // Something for the answer to contain: a published post with a tag unique to this run.
    const account = await signUp(server.baseUrl);
    const tag = `browser-${randomUUID().slice(0, 8)}`;
    const created = await send(server.baseUrl, '/api/v1/posts', {
      method: 'POST',
      headers: account.auth,
      json: { title: 'Seen from the reference', status: 'published', tags: [tag] },
    });
    expect(created.status, created.text).toBe(201);

    await page.goto(`${server.baseUrl}/api/docs#tag/tags/GET/api/v1/tags`);
    await page.getByRole('button', { name: 'Test Request (get /api/v1/tags)' }).click();
    const client = page.getByRole('dialog');
    const answered = page.waitForResponse((response) => response.url() === `${server.baseUrl}/api/v1/tags`);
    await client.getByRole('button', { name: /^Send get request/ }).click();
    const response = await answered;
    expect(response.status()).toBe(200);

    // The client shows the status and the body the server sent.
    await client.getByText('200 OK', { exact: true }).waitFor();
    await client.getByText(`"${tag}"`).first().waitFor();
    await page.screenshot({ path: join(SHOTS, 'test-request.png'), animations: 'disabled' });

    // And the server logged that very request (matched by its X-Request-Id).
    const requestId = response.headers()['x-request-id'];
    expect(requestId).toMatch(/^req_[0-9a-f]{32}$/);
    let logged: Record<string, unknown> | undefined;
    for (let i = 0; i < 20 && !logged; i++, await sleep(100)) {
      const line = readFileSync(server.logFile, 'utf8')
        .split('\n')
        .find((l) => l.includes(`"${requestId}"`));
      if (line) logged = JSON.parse(line) as Record<string, unknown>;
    }
    expect(logged).toMatchObject({ request_id: requestId, method: 'GET', operation: 'listTags', status: 200 });
  });

  it('cannot be framed by another site', async () => {
    const framer = await context.newPage();
    try {
      const refused = framer.waitForEvent('console', (message) => /frame-ancestors/.test(message.text()));
      await framer.setContent(`<iframe src="${server.baseUrl}/api/docs"></iframe>`);
      await refused;
      const frame = framer.frames().find((f) => f !== framer.mainFrame());
      expect(await frame?.locator('#app').count()).toBe(0);
    } finally {
      await framer.close();
    }
  });

  it('leaves the home page working under its own policy', async () => {
    const response = await page.goto(`${server.baseUrl}/`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toMatch(/(^|; )frame-ancestors 'none'(;|$)/);
    await page.getByRole('link', { name: 'Interactive API reference' }).waitFor();
  });

  it('loaded everything from Folio itself, without errors or policy violations', () => {
    expect(browser.requested.length).toBeGreaterThan(0);
    expect(browser.requested.filter((url) => !url.startsWith(`${origin}/`))).toEqual([]);
    expect(browser.consoleErrors).toEqual([]);
    expect(browser.violations).toEqual([]);
  });
});
