import { route } from '@/server/http/route';
import { createMedia, listMedia } from '@/server/media/handlers';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = route(listMedia, createMedia);
