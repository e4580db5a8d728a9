import { receiveInbound } from '@/server/inbound/handlers';
import { route } from '@/server/http/route';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = route(receiveInbound);
