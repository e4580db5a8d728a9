import document from '../../openapi.json';
import { etagOf, noneMatch } from '../etag.ts';

const body = JSON.stringify(document);
const etag = etagOf(body);

/** GET /api/openapi.json: the committed document, with a strong ETag so clients can revalidate. */
export async function serveDocument(request: Request): Promise<Response> {
  // Content-Type on the 304 too, for the front server's compression to vary it as the 200 (server/front/response-head.ts).
  const headers = { ETag: etag, 'Cache-Control': 'public, max-age=300', 'Access-Control-Allow-Origin': '*', 'Content-Type': 'application/json' };
  const ifNoneMatch = request.headers.get('if-none-match');
  if (ifNoneMatch && noneMatch(ifNoneMatch, etag, request.headers.get('accept-encoding'))) return new Response(null, { status: 304, headers });
  return new Response(body, { headers });
}
