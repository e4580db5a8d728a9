import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiReference } from '@scalar/nextjs-api-reference';
import { contentSecurityPolicy } from '@/server/http/security-headers';

/**
 * Scalar's bundle carries Zod 4, which probes whether `eval` is allowed (`Function('')`) the first
 * time it parses; under the reference's policy that probe is refused and reported as a violation.
 * Zod's `jitless` setting (read from `globalThis.__zod_globalConfig`, shared by every copy of Zod)
 * skips the probe and the eval-compiled parsers it would pick; it must be set before the bundle runs.
 */
const ZOD_JITLESS = 'globalThis.__zod_globalConfig = { ...globalThis.__zod_globalConfig, jitless: true };\n';

/**
 * Scalar's self-contained browser bundle, served by Folio itself so the reference works on machines
 * without internet access and trusts no CDN. It is read once per process; its URL carries a content
 * hash, so browsers may keep it for a year and still fetch the new one as soon as Scalar is upgraded.
 */
const bundle = new Uint8Array(
  Buffer.concat([
    Buffer.from(ZOD_JITLESS),
    readFileSync(join(process.cwd(), 'node_modules/@scalar/api-reference/dist/browser/standalone.js')),
  ]),
);
const hash = createHash('sha256').update(bundle).digest('base64url').slice(0, 16);

/** GET /api/docs/scalar.js: the bundle, cacheable for a year. */
export async function serveScalarBundle(): Promise<Response> {
  return new Response(bundle, {
    headers: {
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': 'public, max-age=31536000, immutable',
      ETag: `"${hash}"`,
    },
  });
}

/**
 * The interactive reference for the committed document. Everything the page loads comes from
 * Folio: the bundle above (`cdn`), no web fonts, no telemetry, and none of the features that need
 * Scalar's hosted services (AI agent, MCP generator, developer toolbar).
 */
const scalarPage = ApiReference({
  url: '/api/openapi.json',
  cdn: `/api/docs/scalar.js?v=${hash}`,
  pageTitle: 'Folio API reference',
  metaData: { title: 'Folio API reference' },
  withDefaultFonts: false,
  telemetry: false,
  agent: { disabled: true },
  mcp: { disabled: true },
  showDeveloperTools: 'never',
});

const INLINE_SCRIPT = /<script(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/g;

/**
 * The page and its Content-Security-Policy, measured in Chromium (tests/browser/docs.test.ts fails
 * on any violation): scripts only from Folio plus Scalar's inline start-up script, by its hash (it
 * is the same on every request); styles inline too, because Scalar injects `<style>` elements and
 * `style` attributes at run time, and only its main stylesheet could take a nonce; requests
 * ("Test Request") only to Folio; nothing else.
 */
async function render(): Promise<{ html: string; headers: Headers }> {
  const page = scalarPage();
  const html = await page.text();
  const scripts = [...html.matchAll(INLINE_SCRIPT)].map(([, source]) => `'sha256-${createHash('sha256').update(source!).digest('base64')}'`);
  const headers = new Headers(page.headers);
  headers.set(
    'Content-Security-Policy',
    contentSecurityPolicy({
      'default-src': ["'none'"],
      'script-src': ["'self'", ...scripts],
      'style-src': ["'self'", "'unsafe-inline'"],
      'connect-src': ["'self'"],
      'img-src': ["'self'"],
      'base-uri': ["'none'"],
      'form-action': ["'none'"],
    }),
  );
  return { html, headers };
}

let rendered: ReturnType<typeof render> | undefined;

/** GET /api/docs: the reference, rendered once per process. */
export async function referencePage(): Promise<Response> {
  const { html, headers } = await (rendered ??= render());
  return new Response(html, { headers });
}
