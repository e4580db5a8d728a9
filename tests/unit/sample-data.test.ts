/**
 * The seed's sample accounts (scripts/lib/sample-posts/vocabulary.ts) stay clear of the users in the
 * reference's examples: someone who seeds a database and then tries `ada_lovelace` from /api/docs
 * must register that account, not meet a sample one (409, or someone else's posts). The examples
 * are read from the generated openapi.json, which `npm run openapi:check` holds to the contracts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Random, sampleAuthors } from '../../scripts/lib/sample-posts.ts';
import { PERSONAS } from '../../scripts/lib/sample-posts/vocabulary.ts';

const document: unknown = JSON.parse(readFileSync(new URL('../../openapi.json', import.meta.url), 'utf8'));

/** Every string inside an `example` or `examples` anywhere in the document. */
function exampleStrings(node: unknown, inExample = false): string[] {
  if (typeof node === 'string') return inExample ? [node] : [];
  if (Array.isArray(node)) return node.flatMap((item) => exampleStrings(item, inExample));
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([key, value]) => exampleStrings(value, inExample || key === 'example' || key === 'examples'));
}

const strings = exampleStrings(document);
/** The words of the examples: `/api/v1/users/ada_lovelace` and a CSV row name their user too. */
const words = new Set(strings.flatMap((s) => s.toLowerCase().split(/[^a-z0-9_.@+-]+/)).filter(Boolean));
const wholeStrings = new Set(strings.map((s) => s.toLowerCase()));

describe('sample accounts and the reference’s examples', () => {
  it('reads the users of the examples (the check looks where they are)', () => {
    expect(words).toContain('ada_lovelace');
    expect(words).toContain('ada@example.com');
  });

  it('no sample username, email or display name is one of theirs, in any round of personas', () => {
    const authors = sampleAuthors(new Random(1), PERSONAS.length * 3, Date.UTC(2026, 0, 1));
    const clashes = authors.flatMap((a) => [
      ...[a.username, a.email].filter((value) => words.has(value.toLowerCase())),
      ...(wholeStrings.has(a.displayName.toLowerCase()) ? [a.displayName] : []),
    ]);
    expect(clashes).toEqual([]);
  });
});
