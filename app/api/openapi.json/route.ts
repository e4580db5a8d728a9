import { serveDocument } from '@/server/http/document';

// The committed document, bundled at build time: never regenerated per request.
export const GET = serveDocument;
