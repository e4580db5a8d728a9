import { route } from '@/server/http/route';
import { createUser } from '@/server/users/handlers';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = route(createUser);
