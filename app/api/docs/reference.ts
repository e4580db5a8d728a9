import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiReference } from '@scalar/nextjs-api-reference';

/**
 * Scalar's self-contained browser bundle, served by Folio itself so the reference works on machines
 * without internet access and trusts no CDN. It is read once per process; its URL carries a content
 * hash, so browsers may keep it for a year and still fetch the new one as soon as Scalar is upgraded.
 */
const bundle = new Uint8Array(readFileSync(join(process.cwd(), 'node_modules/@scalar/api-reference/dist/browser/standalone.js')));
const hash = createHash('sha256').update(bundle).digest('base64url').slice(0, 16);

/** GET /api/docs/scalar.js: the bundle, cacheable for a year. */
export function serveScalarBundle(): Response {
  return new Response(bundle, {
    headers: {
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': 'public, max-age=31536000, immutable',
      ETag: `"${hash}"`,
    },
  });
}

/**
 * GET /api/docs: the interactive reference for the committed document. Everything the page loads
 * comes from Folio: the bundle above (`cdn`), no web fonts, no telemetry, and none of the features
 * that need Scalar's hosted services (AI agent, MCP generator, developer toolbar).
 */
export const referencePage = ApiReference({
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
