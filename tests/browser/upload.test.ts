/**
 * The reference's "Test Request" uploads a file: the createMedia form (multipart, as the document
 * declares it) takes a token, the alt text it pre-fills and a file chosen with "Select File", and
 * the server stores the real bytes — not the file's name, which is what a reference sends when the
 * body is not declared as multipart.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send } from '../support/contract-assertions.ts';
import { startFolio, type RunningFolio } from '../support/folio-server.ts';
import { signUp, type Account } from '../support/identity.ts';
import { png } from '../support/media.ts';
import { openChromium, SHOTS, type WatchedBrowser } from './chromium.ts';

let server: RunningFolio;
let browser: WatchedBrowser;
let account: Account;

beforeAll(async () => {
  server = await startFolio('pglite');
  account = await signUp(server.baseUrl);
  browser = await openChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('uploading from the reference', () => {
  it('"Test Request" on createMedia sends the chosen file, and the server stores its bytes', async () => {
    const { page } = browser;
    const bytes = await png(42, 20, 10);
    await page.goto(`${server.baseUrl}/api/docs#tag/media/POST/api/v1/media`);
    await page.getByRole('button', { name: 'Test Request (post /api/v1/media)' }).click();
    const client = page.getByRole('dialog');
    await client.getByRole('textbox', { name: 'Bearer Token' }).fill(account.token);
    const fileRow = client.getByRole('row', { name: /^Include file in request/ });
    const chooser = page.waitForEvent('filechooser');
    await fileRow.getByRole('button', { name: 'Select File' }).click();
    await (await chooser).setFiles({ name: 'from-the-reference.png', mimeType: 'image/png', buffer: bytes });
    const answered = page.waitForResponse((response) => new URL(response.url()).pathname === '/api/v1/media' && response.request().method() === 'POST');
    await client.getByRole('button', { name: /^Send post request/ }).click();
    const response = await answered;
    const body = (await response.json()) as { id: string; sha256: string; filename: string; width: number; alt: string };
    expect(response.status(), JSON.stringify(body)).toBe(201);
    expect(body).toMatchObject({ sha256: createHash('sha256').update(bytes).digest('hex'), filename: 'from-the-reference.png', width: 20, alt: 'Boats in a harbour at dawn' });
    await client.getByText('201 Created', { exact: true }).waitFor();
    await page.screenshot({ path: join(SHOTS, 'upload-createMedia.png'), animations: 'disabled' });
    const stored = await send(server.baseUrl, `/api/v1/media/${body.id}`, { headers: account.auth });
    expect(stored.status).toBe(200);
    expect(browser.violations).toEqual([]);
  });
});
