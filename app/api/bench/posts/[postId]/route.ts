import { benchPostRoute } from '@/server/bench/bare-get-post';

// For `npm run bench` only: a 404 like any unknown /api path unless the bench started the server.
export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = benchPostRoute;
