import document from '../../openapi.json';
import { etagOf, noneMatch, notModified } from '../etag.ts';

const body = JSON.stringify(document);
const etag = etagOf(body);

/** GET /api/openapi.json: the committed document, with a strong ETag so clients can revalidate. */
export async function serveDocument(request: Request): Promise<Response> {
  const headers = { ETag: etag, 'Cache-Control': 'public, max-age=300', 'Access-Control-Allow-Origin': '*' };
  const ifNoneMatch = request.headers.get('if-none-match');
  if (ifNoneMatch && noneMatch(ifNoneMatch, etag, request.headers.get('accept-encoding'))) return notModified(headers, 'application/json');
  return new Response(body, { headers: { ...headers, 'Content-Type': 'application/json' } });
}
