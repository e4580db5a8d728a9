/**
 * Debian's Chromium (headless, through playwright-core) for the browser tests, watching what a page
 * does: every URL it asks for (nothing may leave Folio's origin), console errors other than the
 * missing favicon (Folio has none; Chromium asks anyway), and Content-Security-Policy violations
 * (`securitypolicyviolation` events).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const ROOT = new URL('../..', import.meta.url).pathname;
export const SHOTS = join(ROOT, 'test-results', 'browser');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface WatchedBrowser {
  context: BrowserContext;
  page: Page;
  /** Every URL the page asked for, in order. */
  requested: string[];
  consoleErrors: string[];
  violations: string[];
  close(): Promise<void>;
}

export async function openChromium(viewport = { width: 1440, height: 1000 }): Promise<WatchedBrowser> {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: \`apt-get install chromium\`, or set CHROMIUM_PATH.`);
  mkdirSync(SHOTS, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), 'folio-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    viewport,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const watched: WatchedBrowser = {
    context,
    page,
    requested: [],
    consoleErrors: [],
    violations: [],
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
  page.on('request', (request) => watched.requested.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico')) watched.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => watched.consoleErrors.push(error.message));
  await page.exposeFunction('reportViolation', (violation: string) => watched.violations.push(violation));
  await page.addInitScript(() =>
    window.document.addEventListener('securitypolicyviolation', (event) =>
      (globalThis as unknown as { reportViolation(v: string): void }).reportViolation(
        `${location.pathname}: ${event.effectiveDirective} refused ${event.blockedURI || 'inline'} (${event.sourceFile}:${event.lineNumber})`,
      ),
    ),
  );
  return watched;
}
