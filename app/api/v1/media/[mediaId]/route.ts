import { route } from '@/server/http/route';
import { deleteMedia, getMedia, updateMedia } from '@/server/media/handlers';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = route(getMedia, updateMedia, deleteMedia);
