/**
 * Search text → tsquery (server/posts/search-query.ts): the syntax, a property test over the
 * contract's `q` rule — no string the contract accepts makes the database fail — and the bound on
 * a search's matches that newestMatching's choice of order reads.
 */
import fc from 'fast-check';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { listPosts as listPostsContract } from '../../contracts/posts/operations.ts';
import { SEARCH_MAX_TERMS } from '../../contracts/posts/schemas.ts';
import { isFailure } from '../../server/failure.ts';
import { postsPage } from '../../server/posts/list.ts';
import { db } from '../../server/db/index.ts';
import { newId } from '../../server/ids.ts';
import { plannedRows } from '../../server/posts/newest-matching.ts';
import { LexemeCache, parseSearch, toTsquery, wordBound } from '../../server/posts/search-query.ts';

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

  it('joins with `or` only two terms that must match: next to an exclusion it joins nothing', () => {
    const word = (text: string) => ({ text, phrase: false });
    expect(parseSearch('gnu -ant or bee')).toEqual({ groups: [[word('gnu')], [word('bee')]], excluded: [word('ant')] });
    expect(parseSearch('-ant or bee')).toEqual({ groups: [[word('bee')]], excluded: [word('ant')] });
    expect(parseSearch('gnu or -ant')).toEqual({ groups: [[word('gnu')]], excluded: [word('ant')] });
    expect(parseSearch('gnu or yak -ant')).toEqual({ groups: [[word('gnu'), word('yak')]], excluded: [word('ant')] });
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

describe('wordBound', () => {
  const AUTHOR = 'user_01jdq8m4k2c9v7x3n5r6t8w1bb';
  // Letters only, so each word is one lexeme whatever the stemmer does to it.
  const tag = Date.now().toString(36).replace(/[0-9]/g, (d) => 'abcdefghij'[Number(d)]!);
  const [first, second, other, absent] = ['quokka', 'wombat', 'numbat', 'zorilla'].map((word) => `${word}${tag}`) as [string, string, string, string];
  const shared = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet'].map((word) => `${word}${tag}`);
  const scoped = () => db().selectFrom('posts').where('posts.status', '=', 'published').where('posts.author_id', '=', AUTHOR);
  const bound = (text: string, column: 'posts.search' | 'posts.title_search' = 'posts.title_search') =>
    db().transaction().execute((trx) => wordBound(parseSearch(text), column, new LexemeCache())(trx, scoped(), sql<boolean>`true`));

  beforeAll(async () => {
    const now = new Date();
    await db()
      .insertInto('users')
      .values({ id: AUTHOR, email: `${tag}@example.com`, username: tag.slice(0, 30), display_name: 'WB', password_hash: '!', is_admin: false, created_at: now, updated_at: now })
      .execute();
    // Two words that always come together (a topic), and a third on its own.
    const titles = [...Array(60).fill(`Notes on ${first} ${second} ${shared.join(' ')}`), ...Array(40).fill(`Why ${other} matters`)] as string[];
    await db()
      .insertInto('posts')
      .values(titles.map((title, i) => ({ id: newId('post', now.getTime() - i), author_id: AUTHOR, slug: `${tag}-${i}`, title, body: '', excerpt: null, status: 'published' as const, tags: [], created_at: now, updated_at: now, published_at: now })))
      .execute();
    await sql`analyze posts`.execute(db());
  });

  const count = async (text: string) => Number((await scoped().where(sql<boolean>`posts.title_search @@ ${toTsquery(parseSearch(text), 'posts.title_search')!}`).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  it('bounds words that come together by the rarer one, where the estimate of them together is far lower', async () => {
    const phrase = `"${first} ${second}"`;
    expect(await count(phrase)).toBe(60);
    const [together] = await plannedRows(db(), [scoped().where(sql<boolean>`posts.title_search @@ ${toTsquery(parseSearch(phrase), 'posts.title_search')!}`)]);
    const words = await bound(phrase);
    expect(words).toBeGreaterThanOrEqual(60);
    expect(words).toBeLessThan(200);
    // The planner multiplies the words' frequencies as if they were independent.
    expect(together).toBeLessThan(words);
    expect(await bound(`${first} ${second}`)).toBe(words);
  });

  it('sums the terms of an `or` group, and takes the smallest group', async () => {
    expect(await count(`${first} or ${other}`)).toBe(100);
    expect(await bound(`${first} or ${other}`)).toBeGreaterThanOrEqual(100);
    expect(await bound(`${other} ${first} or ${second}`)).toBeLessThan(await bound(`${first} or ${second}`));
  });

  it('reads stop words as constraining nothing, and a search of only stop words as unbounded', async () => {
    expect(await bound(`the ${other}`)).toBe(await bound(other));
    expect(await bound('the or a')).toBe(Number.POSITIVE_INFINITY);
  });

  it('asks about at most 12 words, each term its first word before any its second: a long phrase costs no more to plan', async () => {
    const phrase = `"${first} ${second} ${shared.join(' ')} ${absent}"`;
    // 13 words: the last in lexeme order (which is alphabetical), in no post, is not asked about; the other 12 are each in 60 posts.
    expect(await count(phrase)).toBe(0);
    expect(await bound(phrase)).toBeGreaterThanOrEqual(60);
    // As a term of its own, the absent word is asked about first, whatever follows it.
    expect(await bound(`${absent} ${phrase}`)).toBeLessThan(60);
  });

  it('bounds by the column it is given (the body tier searches title and body)', async () => {
    expect(await bound(other, 'posts.search')).toBeGreaterThanOrEqual(40);
  });
});
