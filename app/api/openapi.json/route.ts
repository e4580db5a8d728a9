import { serveDocument } from '@/server/http/document';
import { readOnlyRoute } from '@/server/http/route';

export const runtime = 'nodejs';

// The committed document, bundled at build time: never regenerated per request.
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = readOnlyRoute(serveDocument);
