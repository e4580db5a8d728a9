import { referencePage } from './reference';

// The interactive reference (Scalar), rendered from the committed document.
export const GET = referencePage;
