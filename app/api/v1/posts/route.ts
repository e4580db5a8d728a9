import { route } from '@/server/http/route';
import { createPost, listPosts } from '@/server/posts/handlers';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = route(listPosts, createPost);
