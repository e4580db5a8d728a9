import { route } from '@/server/http/route';
import { createToken, listTokens } from '@/server/tokens/handlers';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = route(listTokens, createToken);
