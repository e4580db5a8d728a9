import { notFoundRoute } from '@/server/http/not-found';

export const runtime = 'nodejs';

// Anything under /api that no other route matches: a JSON problem, not Next.js's HTML 404 page.
export const dynamic = 'force-dynamic';
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = notFoundRoute;
