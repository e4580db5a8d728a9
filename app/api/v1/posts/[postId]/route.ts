import { route } from '@/server/http/route';
import { deletePost, getPost, updatePost } from '@/server/posts/handlers';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = route(getPost, updatePost, deletePost);
