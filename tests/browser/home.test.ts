/**
 * The home page in a real browser (Chromium, see ./chromium.ts), as a visitor meets it: it says what
 * Folio is, its three-step quickstart works when pasted (each curl command is read off the page and
 * sent to the server), its links lead somewhere, it reads in light and dark and on a phone, and it
 * does all that under the policy the front server sends — no violation, nothing from another host.
 * Screenshots go to test-results/browser/.
 *
 *   npm run build && npm run test:browser
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { send } from '../support/contract-assertions.ts';
import { openChromium, SHOTS, type WatchedBrowser } from './chromium.ts';

const server = inject('servers').find((s) => s.kind === 'pglite')!;
const origin = new URL(server.baseUrl).origin;

let browser: WatchedBrowser;
let page: Page;

beforeAll(async () => {
  browser = await openChromium();
  page = browser.page;
});

afterAll(async () => {
  await browser?.close();
});

/** A curl command as the page shows it: its URL, headers and JSON body. */
function parseCurl(command: string) {
  const url = /curl (\S+)/.exec(command)?.[1];
  const headers = Object.fromEntries([...command.matchAll(/-H ["']([^:"']+): ([^"']+)["']/g)].map((m) => [m[1]!, m[2]!]));
  const body = /-d '([^']*)'/.exec(command)?.[1];
  if (!url || !body) throw new Error(`not a curl command with a body:\n${command}`);
  return { url: new URL(url), headers, body: JSON.parse(body) as Record<string, unknown> };
}

describe('the home page', () => {
  it('says what Folio is, under the front server’s policy', async () => {
    const response = await page.goto(`${server.baseUrl}/`);
    expect(response?.status()).toBe(200);
    const policy = response?.headers()['content-security-policy'];
    expect(policy).toMatch(/(^|; )default-src 'none'(;|$)/);
    expect(policy).toMatch(/(^|; )frame-ancestors 'none'(;|$)/);
    expect(await page.title()).toBe('Folio — a contract-first content API');
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBeTruthy();
    const text = (await page.locator('main').innerText()).replace(/\s+/g, ' ');
    expect(text).toContain('contract-first content API');
    expect(text).toContain('posts, comments, tags, users and tokens');
    expect(text).toMatch(/events, webhooks and media/i);
    await page.screenshot({ path: join(SHOTS, 'home.png'), fullPage: true, animations: 'disabled' });
  });

  it('has a three-step quickstart that works as written: register, sign in, create a post', async () => {
    const steps = page.locator('ol.steps > li');
    expect(await steps.locator('h3').allInnerTexts()).toEqual(['Register', 'Sign in', 'Create a post']);
    const commands = await steps.locator('pre code').allInnerTexts();
    expect(commands).toHaveLength(3);
    const [register, signIn, create] = commands.map(parseCurl);
    for (const step of [register!, signIn!, create!]) {
      expect(step.url.origin).toBe('http://localhost:3000');
      expect(step.headers['Content-Type']).toBe('application/json');
    }
    expect(Object.keys(register!.body).sort()).toEqual(['display_name', 'email', 'password', 'username']);
    expect(Object.keys(signIn!.body).sort()).toEqual(['email', 'password']);
    expect(create!.body).toMatchObject({ title: expect.any(String), body: expect.any(String), status: 'published' });
    expect(create!.headers.Authorization).toBe('Bearer $TOKEN');
    expect(commands[1]).toContain('export TOKEN=');

    // Replayed against this server, with an account of its own (the page's may exist already).
    const unique = `q${randomUUID().replaceAll('-', '').slice(0, 10)}`;
    const account = { ...register!.body, email: `${unique}@example.com`, username: unique };
    const registered = await send(server.baseUrl, register!.url.pathname, { method: 'POST', json: account });
    expect(registered.status, registered.text).toBe(201);
    const signedIn = await send(server.baseUrl, signIn!.url.pathname, { method: 'POST', json: { ...signIn!.body, email: account.email } });
    expect(signedIn.status, signedIn.text).toBe(201);
    const token = (signedIn.body as { token: string }).token;
    expect(token).toMatch(/^folio_/);
    const created = await send(server.baseUrl, create!.url.pathname, {
      method: 'POST',
      headers: { Authorization: create!.headers.Authorization!.replace('$TOKEN', token) },
      json: create!.body,
    });
    expect(created.status, created.text).toBe(201);
    // Published: anyone can read it.
    const read = await send(server.baseUrl, `${create!.url.pathname}/${(created.body as { id: string }).id}`);
    expect(read.status, read.text).toBe(200);
    expect(read.body).toMatchObject({ title: create!.body.title, status: 'published', author: { username: unique } });
  });

  it('shows the typed client and the Python SDK, generated from the served document', async () => {
    const client = (await page.locator('#client pre').innerText()).trim().split('\n');
    expect(client.length).toBeLessThanOrEqual(6);
    expect(client[0]).toBe("import { createClient } from '@folio/client';");
    expect(client.join('\n')).toContain("folio.POST('/api/v1/posts'");
    expect(await page.locator('#client').innerText()).toContain('README.md');
    const python = await page.locator('#python pre').innerText();
    expect(python).toContain('openapi-python-client');
    expect(python).toContain('generate --url http://localhost:3000/api/openapi.json');
  });

  it('links work: every link leads to a page, a document or a section that exists', async () => {
    const hrefs = [...new Set(await page.locator('a[href]').evaluateAll((links) => links.map((a) => a.getAttribute('href')!)))];
    expect(hrefs).toEqual(expect.arrayContaining(['/api/docs', '/api/openapi.json']));
    for (const href of hrefs) {
      if (href.startsWith('#')) {
        expect(await page.locator(href).count(), href).toBe(1);
        continue;
      }
      expect(href, 'links stay on Folio').toMatch(/^\/(?!\/)/);
      const res = await fetch(`${server.baseUrl}${href}`);
      expect(res.status, href).toBe(200);
      await res.arrayBuffer();
    }

    await page.getByRole('link', { name: 'OpenAPI document' }).click();
    await page.waitForURL(`${server.baseUrl}/api/openapi.json`);
    const served = JSON.parse(await page.locator('body').innerText()) as { openapi: string; paths: object };
    expect(served.openapi).toBe('3.1.0');
    await page.goBack();

    await page.getByRole('link', { name: 'Interactive API reference' }).click();
    await page.waitForURL(`${server.baseUrl}/api/docs`);
    await page.getByRole('complementary', { name: /^Sidebar for / }).waitFor();
  });

  it('reads in light and in dark, and fits a phone’s width', async () => {
    const background = async (scheme: 'light' | 'dark') => {
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(`${server.baseUrl}/`);
      await page.screenshot({ path: join(SHOTS, `home-${scheme}.png`), animations: 'disabled' });
      return page.evaluate(() => [getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]);
    };
    const [lightBg, lightFg] = await background('light');
    const [darkBg, darkFg] = await background('dark');
    expect(darkBg).not.toBe(lightBg);
    expect(darkFg).not.toBe(lightFg);

    await page.setViewportSize({ width: 375, height: 812 });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(`${server.baseUrl}/`);
    await page.screenshot({ path: join(SHOTS, 'home-phone.png'), fullPage: true, animations: 'disabled' });
    // Nothing wider than the screen but the code blocks, which scroll inside themselves.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await page.setViewportSize({ width: 1440, height: 1000 });
  });

  it('loaded everything from Folio itself, without errors or policy violations', () => {
    expect(browser.requested.filter((url) => url.startsWith(`${origin}/_next/`)).length, 'the page’s own assets').toBeGreaterThan(0);
    expect(browser.requested.filter((url) => !url.startsWith(`${origin}/`))).toEqual([]);
    expect(browser.consoleErrors).toEqual([]);
    expect(browser.violations).toEqual([]);
  });
});
