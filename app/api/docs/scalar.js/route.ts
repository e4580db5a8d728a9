import { serveScalarBundle } from '../reference';

export const runtime = 'nodejs';

// Scalar's browser bundle from node_modules, so /api/docs loads nothing from a CDN.
export const GET = serveScalarBundle;
