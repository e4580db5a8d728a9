/**
 * Search text → tsquery (server/posts/search-query.ts): the syntax, and a property test over the
 * contract's `q` rule — no string the contract accepts makes the database fail.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { listPosts as listPostsContract } from '../../contracts/posts/operations.ts';
import { SEARCH_MAX_TERMS } from '../../contracts/posts/schemas.ts';
import { isFailure } from '../../server/failure.ts';
import { postsPage } from '../../server/posts/list.ts';
import { parseSearch } from '../../server/posts/search-query.ts';

const q = listPostsContract.request.query.shape.q;

describe('parseSearch', () => {
  it('reads words, phrases, or and exclusions', () => {
    expect(parseSearch('red apples')).toEqual({ groups: [[{ text: 'red', phrase: false }], [{ text: 'apples', phrase: false }]], excluded: [] });
    expect(parseSearch('"green pears" or plums -bruised')).toEqual({
      groups: [[{ text: 'green pears', phrase: true }, { text: 'plums', phrase: false }]],
      excluded: [{ text: 'bruised', phrase: false }],
    });
    expect(parseSearch('-"not this"')).toEqual({ groups: [], excluded: [{ text: 'not this', phrase: true }] });
  });

  it('turns runs of operators into nothing, not into nesting', () => {
    expect(parseSearch('-'.repeat(200))).toEqual({ groups: [], excluded: [] });
    expect(parseSearch('- - - - a')).toEqual({ groups: [[{ text: 'a', phrase: false }]], excluded: [] });
    expect(parseSearch('--a')).toEqual({ groups: [], excluded: [{ text: 'a', phrase: false }] });
    expect(parseSearch('or or or')).toEqual({ groups: [], excluded: [] });
  });

  it(`counts only the first ${SEARCH_MAX_TERMS} terms`, () => {
    const parsed = parseSearch(Array.from({ length: 40 }, (_, i) => `w${i}`).join(' '));
    expect(parsed.groups.length).toBe(SEARCH_MAX_TERMS);
  });
});

describe('search against the database', () => {
  const run = async (text: string) => {
    const page = await postsPage({ q: text, limit: 5 }, null);
    if (isFailure(page)) throw new Error(`an anonymous search failed: ${page.detail}`);
    return page;
  };

  it('answers every string the contract accepts, however it is made (property)', async () => {
    const pieces = fc.oneof(
      fc.constantFrom('-', '"', ' ', '!', '&', '|', '(', ')', ':', '*', '<', '>', '<->', 'or', '\\', "'", '\t', '\n', 'a', 'the', 'é'),
      fc.string({ unit: 'grapheme', maxLength: 4 }),
      // Runs of one operator: what exhausted PostgreSQL's own parser.
      fc.tuple(fc.constantFrom('-', '- ', '!', '(', '"', '-"'), fc.integer({ min: 1, max: 70 })).map(([op, n]) => op.repeat(n)),
    );
    const texts = fc.array(pieces, { minLength: 1, maxLength: 80 }).map((parts) => parts.join('')).filter((text) => q.safeParse(text).success);
    await fc.assert(
      fc.asyncProperty(texts, async (text) => {
        const page = await run(text);
        expect(Array.isArray(page.data)).toBe(true);
      }),
      { numRuns: 300, seed: 20261129 },
    );
  });

  it.each(['-'.repeat(33), '-'.repeat(64), Array(100).fill('-').join(' '), '!'.repeat(200), '('.repeat(200)])('answers %j', async (text) => {
    expect((await run(text)).data).toEqual([]);
  });
});
