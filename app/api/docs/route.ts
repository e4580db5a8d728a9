import { referencePage } from './reference';
import { readOnlyRoute } from '@/server/http/route';

export const runtime = 'nodejs';

// The interactive reference (Scalar), rendered from the committed document.
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = readOnlyRoute(referencePage);
