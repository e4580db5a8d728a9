import { createHash } from 'node:crypto';
import document from '../../openapi.json';

const body = JSON.stringify(document);
const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;

/** GET /api/openapi.json: the committed document, with a strong ETag so clients can revalidate. */
export async function serveDocument(request: Request): Promise<Response> {
  const headers = { ETag: etag, 'Cache-Control': 'public, max-age=300', 'Access-Control-Allow-Origin': '*' };
  if (request.headers.get('if-none-match') === etag) return new Response(null, { status: 304, headers });
  return new Response(body, { headers: { ...headers, 'Content-Type': 'application/json' } });
}
