import { referencePage } from './reference';

export const runtime = 'nodejs';

// The interactive reference (Scalar), rendered from the committed document.
export const GET = referencePage;
