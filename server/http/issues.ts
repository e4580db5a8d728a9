import type { z } from 'zod';

export interface FieldIssue {
  pointer: string;
  message: string;
}

/** RFC 6901 escaping for one reference token. */
export function token(segment: PropertyKey): string {
  return String(segment).replaceAll('~', '~0').replaceAll('/', '~1');
}

/** Zod issues → `{ pointer, message }`, each pointer rooted at the request part (`/body`, `/query`, …). */
export function toFieldIssues(error: z.ZodError, root: string): FieldIssue[] {
  return error.issues.map((issue) => ({
    pointer: [root, ...issue.path.map(token)].join('/'),
    message: issue.message,
  }));
}
