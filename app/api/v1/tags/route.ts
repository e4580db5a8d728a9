import { route } from '@/server/http/route';
import { listTags } from '@/server/tags/handlers';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = route(listTags);
