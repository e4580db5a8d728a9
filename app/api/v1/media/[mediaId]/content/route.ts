import { route } from '@/server/http/route';
import { getMediaContent } from '@/server/media/handlers';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = route(getMediaContent);
