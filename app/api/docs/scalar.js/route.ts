import { serveScalarBundle } from '../reference';
import { readOnlyRoute } from '@/server/http/route';

export const runtime = 'nodejs';

// Scalar's browser bundle from node_modules, so /api/docs loads nothing from a CDN.
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = readOnlyRoute(serveScalarBundle);
