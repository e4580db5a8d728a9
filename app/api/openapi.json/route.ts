import { serveDocument } from '@/server/http/document';

export const runtime = 'nodejs';

// The committed document, bundled at build time: never regenerated per request.
export const GET = serveDocument;
