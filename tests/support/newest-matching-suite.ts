/**
 * newestMatching (server/posts/newest-matching.ts) gives exactly the page a plain
 * `where needle order by created_at desc, id desc limit n` gives — through each of its steps
 * (index first; or window, capped index lookup, one more window, slices of time), reached here
 * with small steps and with the planner's estimate replaced by a guess of few, some, then many
 * matches — and no needle makes it test every post. The planners of the two databases differ, so
 * it runs on both: tests/unit/newest-matching.test.ts (PGlite) and
 * tests/integration/newest-matching.test.ts (PostgreSQL).
 */
import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Keyset } from '../../server/db/cursor.ts';
import type { Database } from '../../server/db/schema.ts';
import { newId } from '../../server/ids.ts';
import { newestMatching, plannedRows, type Estimate, type NewestMatching, type WindowEdge } from '../../server/posts/newest-matching.ts';

const AUTHOR = 'user_01jdq8m4k2c9v7x3n5r6t8w1aa';
const COUNT = 2000;
const prefix = `nm${Date.now().toString(36)}`;
// common: every 2nd post; sparse: every 40th; late: only among the 20 oldest; ancient: more than
// the cap, all among the 40 oldest (common long ago, absent since); none: no post.
const tagsOf = (i: number) =>
  [i % 2 === 0 && 'common', i % 40 === 0 && 'sparse', i < 20 && i % 3 === 0 && 'late', i < 40 && 'ancient'].filter(Boolean).map((t) => `${prefix}-${t}`);

const scope: NewestMatching['scope'] = (query) => query.where('posts.status', '=', 'published').where('posts.author_id', '=', AUTHOR);
/**
 * Guesses that force each order: the index first (few expected), or the window first (many) —
 * walked, or read from the index for a needle dear to test when some are expected (more than
 * the cap of 15, at most ten windows of 30: newest-matching.ts BITMAP_WINDOW).
 */
const FEW: Estimate = async () => 0;
const SOME: Estimate = async () => 60;
const MANY: Estimate = async () => Number.POSITIVE_INFINITY;
const GUESSES: Record<string, Pick<NewestMatching, 'estimate' | 'dearToTest'>> = {
  'the planner': {},
  few: { estimate: FEW },
  'some, dear to test': { estimate: SOME, dearToTest: true },
  many: { estimate: MANY },
};

const tagged = (tag: string) => sql<boolean>`posts.tags @> ${sql.val([`${prefix}-${tag}`])}::text[]` as Expression<SqlBool>;

async function reference(db: Kysely<Database>, needle: Expression<SqlBool>, after: Keyset | undefined, limit: number) {
  let query = scope(db.selectFrom('posts')).where(needle);
  if (after) query = query.where((eb) => eb(eb.refTuple('posts.created_at', 'posts.id'), '<', eb.tuple(after.createdAt, after.id)));
  return query.select(['posts.id', 'posts.created_at']).orderBy('posts.created_at', 'desc').orderBy('posts.id', 'desc').limit(limit).execute();
}

/**
 * `tag` as a needle that counts the posts it is tested on: a volatile function cheap enough for
 * the planner to test first (so a walk tests it on every post it reads), ANDed with the tag,
 * whose GIN index still does the finding. `testsForPage` says how many posts it was tested on.
 */
async function countingNeedle(db: Kysely<Database>, name: string, tag: string) {
  const counter = `${prefix}_${name}`;
  await sql`create sequence ${sql.id(counter)}`.execute(db);
  await sql.raw(`create function ${counter}(id text) returns boolean language plpgsql volatile cost 0.0001 as $$ begin perform nextval('${counter}'); return true; end $$`).execute(db);
  const needle = sql<boolean>`(${tagged(tag)} and ${sql.raw(`${counter}(posts.id)`)})` as Expression<SqlBool>;
  const tested = async () => Number((await sql<{ n: string }>`select last_value::text as n from ${sql.id(counter)}`.execute(db)).rows[0]!.n);
  return {
    /** How many posts finding the first page (checked against the plain query's) tested, with steps of 30 and 15. */
    testsForPage: async (limit: number, options: Pick<NewestMatching, 'estimate' | 'dearToTest'>) => {
      const before = await tested();
      expect(await newestMatching(db, { scope, needle, limit, window: 30, cap: 15, ...options })).toEqual(await reference(db, tagged(tag), undefined, limit));
      return (await tested()) - before;
    },
  };
}

/** The suite, on the database `open` gives (tests/unit on PGlite, tests/integration on PostgreSQL). */
export function newestMatchingSuite(label: string, open: () => Promise<Kysely<Database>>) {
  describe(`newestMatching on ${label}`, () => {
    let db: Kysely<Database>;
    beforeAll(async () => {
      db = await open();
      const now = new Date();
      await db
        .insertInto('users')
        .values({ id: AUTHOR, email: `${prefix}@example.com`, username: prefix, display_name: 'NM', password_hash: '!', is_admin: false, created_at: now, updated_at: now })
        .execute();
      const base = Date.parse('2026-01-01T00:00:00Z');
      const rows = Array.from({ length: COUNT }, (_, i) => {
        // Two posts share each second, so the id breaks ties.
        const created = new Date(base + Math.floor(i / 2) * 1000);
        return { id: newId('post', created.getTime()), author_id: AUTHOR, slug: `${prefix}-${i}`, title: `Post ${i}`, body: '', excerpt: null, status: 'published' as const, tags: tagsOf(i), created_at: created, updated_at: created, published_at: created };
      });
      await db.insertInto('posts').values(rows).execute();
      // Statistics, as autovacuum keeps them: without, the planner takes a slice's time range for
      // small and filters the needle on every post in it rather than ANDing it with its index.
      await sql`analyze posts`.execute(db);
    });

    it.each(
      Object.keys(GUESSES).flatMap((guess) =>
        (
          [
            ['a common needle (found in the window, or the index overflows and one more window finds it)', 'common', 10],
            ['a sparse needle (capped index lookup)', 'sparse', 7],
            ['a needle only among the oldest posts (past the window)', 'late', 5],
            ['an absent needle', 'none', 10],
            ['a common needle, more than the cap past the window (one more window)', 'common', 60],
            ['a needle common only among the oldest posts (slices of time)', 'ancient', 7],
            ['a needle common only among the oldest posts, pages longer than the cap (slices halved)', 'ancient', 25],
          ] as const
        ).map(([name, tag, limit]) => [guess, name, tag, limit] as const),
      ),
    )('guessing %s, %s: the same pages as the plain query, cursor after cursor', async (guess, _, tag, limit) => {
      let after: Keyset | undefined;
      for (let page = 0; page < 6; page++) {
        const expected = await reference(db, tagged(tag), after, limit);
        const actual = await newestMatching(db, { scope, needle: tagged(tag), after, limit, window: 30, cap: 15, ...GUESSES[guess] });
        expect(actual).toEqual(expected);
        if (expected.length < limit) break;
        const last = expected.at(-1)!;
        after = { createdAt: last.created_at, id: last.id };
      }
    });

    it('a shared window edge is looked for once, and any edge — even another one — gives the same pages', async () => {
      const edge: WindowEdge = {};
      for (const tag of ['common', 'sparse', 'late', 'none']) {
        const expected = await reference(db, tagged(tag), undefined, 10);
        expect(await newestMatching(db, { scope, needle: tagged(tag), limit: 10, window: 30, cap: 15, estimate: MANY, edge })).toEqual(expected);
      }
      // The first call found the 30th newest post and the others reused it.
      const [thirtieth] = await scope(db.selectFrom('posts')).select(['posts.id', 'posts.created_at']).orderBy('posts.created_at', 'desc').orderBy('posts.id', 'desc').offset(29).limit(1).execute();
      expect(edge).toEqual({ position: thirtieth, found: true });
      // An edge from elsewhere (as from an earlier transaction, the table having changed since) moves
      // where the window ends, never what the page holds.
      const [elsewhere] = await scope(db.selectFrom('posts')).select(['posts.id', 'posts.created_at']).orderBy('posts.created_at', 'desc').orderBy('posts.id', 'desc').offset(71).limit(1).execute();
      for (const tag of ['common', 'sparse', 'late', 'none']) {
        const expected = await reference(db, tagged(tag), undefined, 10);
        expect(await newestMatching(db, { scope, needle: tagged(tag), limit: 10, window: 30, cap: 15, estimate: MANY, edge: { position: elsewhere, found: true } })).toEqual(expected);
      }
    });

    it('a guess of few matches asks the index first: the window edge is never looked for', async () => {
      const edge: WindowEdge = {};
      expect(await newestMatching(db, { scope, needle: tagged('sparse'), limit: 5, window: 30, cap: 15, estimate: FEW, edge })).toEqual(await reference(db, tagged('sparse'), undefined, 5));
      expect(edge).toEqual({});
    });

    it("the planner's estimate, read from EXPLAIN without running the query, tells a common needle from an absent one", async () => {
      await sql`analyze posts`.execute(db);
      const [common, none, sparse] = await plannedRows(db, ['common', 'none', 'sparse'].map((tag) => scope(db.selectFrom('posts')).where(tagged(tag))));
      expect(common).toBeGreaterThan(sparse!);
      expect(sparse).toBeGreaterThanOrEqual(none!);
      expect(none).toBeGreaterThanOrEqual(0);
      // One query alone is planned without a union.
      expect(await plannedRows(db, [scope(db.selectFrom('posts')).where(tagged('common'))])).toEqual([common]);
    });

    it("runs in the caller's transaction when given one: calls one after another, each pinning its own plan, give the same pages", async () => {
      const pages = await db
        .transaction()
        .execute(async (trx) => {
          const found = [];
          for (const [tag, estimate] of [['sparse', FEW], ['common', MANY], ['late', FEW], ['common', FEW], ['sparse', MANY]] as const) {
            found.push(await newestMatching(trx, { scope, needle: tagged(tag), limit: 10, window: 30, cap: 15, estimate }));
          }
          return found;
        });
      const expected = await Promise.all(['sparse', 'common', 'late', 'common', 'sparse'].map((tag) => reference(db, tagged(tag), undefined, 10)));
      expect(pages).toEqual(expected);
    });

    it('reads a bounded number of posts for a needle common long ago and absent since, where walking on would test every post between', async () => {
      const { testsForPage } = await countingNeedle(db, 'tested', 'ancient');
      for (const estimate of [FEW, MANY]) {
        // Walking on past the capped index would test all COUNT - 40 posts newer than the matches.
        expect(await testsForPage(10, { estimate })).toBeLessThan((COUNT - 40) / 4);
      }
    });

    it('a needle dear to test, expected in some posts but absent from the newest: the window is read from its index, testing none of its posts', async () => {
      const { testsForPage } = await countingNeedle(db, 'windowed', 'late');
      const tests = (options: Pick<NewestMatching, 'estimate' | 'dearToTest'>) => testsForPage(5, options);
      // Walked, the window tests each of its 30 posts, then the index finds the 7 matches: when
      // many are expected, or when the needle is cheap to test.
      expect(await tests({ estimate: MANY, dearToTest: true })).toBeGreaterThanOrEqual(30);
      expect(await tests({ estimate: SOME })).toBeGreaterThanOrEqual(30);
      // From the index, only the matches are tested: none in the window, 7 past it.
      expect(await tests({ estimate: SOME, dearToTest: true })).toBeLessThan(15);
    });

    it('past a window read from the index, reads all the matches expected of a dear needle at once: each tested once, none again by slices', async () => {
      const { testsForPage } = await countingNeedle(db, 'whole', 'ancient');
      const tests = (options: Pick<NewestMatching, 'estimate' | 'dearToTest'>) => testsForPage(10, options);
      // Its 40 matches are more than the cap of 15: capped, the index step tests 16 of them, then
      // the slices test them again and more posts besides (about 440 in all).
      expect(await tests({ estimate: SOME })).toBeGreaterThan(40);
      // Some (60) expected, at most ten windows of 30: none in the window, then the 40 in one read.
      expect(await tests({ estimate: SOME, dearToTest: true })).toBeLessThanOrEqual(40);
    });

    it("after a call that pinned the index step's plan, the next call's window edge still walks the keyset index, not every post", async () => {
      const tuplesRead = async (trx: Kysely<Database>) =>
        Number((await sql<{ n: string }>`select (coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0))::text as n from pg_stat_xact_user_tables where relname = 'posts'`.execute(trx)).rows[0]?.n ?? 0);
      const read = await db.transaction().execute(async (trx) => {
        // A search's title tier, rare (the index step), then its body tier, common (the window first).
        await newestMatching(trx, { scope, needle: tagged('sparse'), limit: 5, window: 30, cap: 15, estimate: FEW });
        const before = await tuplesRead(trx);
        expect(await newestMatching(trx, { scope, needle: tagged('common'), limit: 5, window: 30, cap: 15, estimate: MANY })).toEqual(await reference(trx, tagged('common'), undefined, 5));
        return (await tuplesRead(trx)) - before;
      });
      // The window's 30 posts and the reference query's few; sorting every post would read all COUNT.
      expect(read).toBeLessThan(COUNT / 4);
    });

    it('pins the planner only when the step changes: not again slice after slice, nor tier after tier', async () => {
      let statements = 0;
      let pins = 0;
      const pages = await db.transaction().execute(async (trx) => {
        const counted = trx.withPlugin({
          transformQuery: ({ node }) => {
            statements++;
            if (JSON.stringify(node).includes('set_config(')) pins++;
            return node;
          },
          transformResult: async ({ result }) => result,
        });
        // Slices (index steps one after another), then a second call that starts with an index step too.
        return [
          await newestMatching(counted, { scope, needle: tagged('ancient'), limit: 10, window: 30, cap: 15, estimate: MANY }),
          await newestMatching(counted, { scope, needle: tagged('sparse'), limit: 5, window: 30, cap: 15, estimate: FEW }),
        ];
      });
      expect(pages).toEqual([await reference(db, tagged('ancient'), undefined, 10), await reference(db, tagged('sparse'), undefined, 5)]);
      // One pin per change of step: the window (walk), the index, the slices' oldest post (walk), the
      // slices (index); then the second call's one more window (walk) and slices (index). Pinning
      // at every step, as before, made it 15 of 43 statements.
      expect(pins).toBeLessThanOrEqual(6);
      expect(statements).toBeGreaterThan(pins * 4);
    });

    it('more than the cap of matches at one instant, past the window: that instant is walked, in a bounded number of queries', async () => {
      // A bulk import stamping every row with one now(): slices could not narrow one instant, and looped.
      const importer = 'user_01jdq8m4k2c9v7x3n5r6t8w1ab';
      const now = new Date();
      await db.insertInto('users').values({ id: importer, email: `${prefix}-import@example.com`, username: `${prefix}imp`, display_name: 'I', password_hash: '!', is_admin: false, created_at: now, updated_at: now }).execute();
      const instant = Date.parse('2025-06-01T00:00:00Z');
      const row = (i: number, at: number, tags: string[]) => {
        const created = new Date(at);
        return { id: newId('post', at), author_id: importer, slug: `${prefix}-imp-${i}`, title: 'Imported', body: '', excerpt: null, status: 'published' as const, tags, created_at: created, updated_at: created, published_at: created };
      };
      // Five matches at one instant; three newer posts that do not match (more than the window).
      await db
        .insertInto('posts')
        .values([...Array.from({ length: 5 }, (_, i) => row(i, instant, [`${prefix}-instant`])), ...Array.from({ length: 3 }, (_, i) => row(5 + i, instant + (i + 1) * 1000, []))])
        .execute();
      const own: NewestMatching['scope'] = (query) => query.where('posts.status', '=', 'published').where('posts.author_id', '=', importer);
      const expected = await own(db.selectFrom('posts')).where(tagged('instant')).select(['posts.id', 'posts.created_at']).orderBy('posts.created_at', 'desc').orderBy('posts.id', 'desc').limit(3).execute();
      let queries = 0;
      const counted = db.withPlugin({
        transformQuery: (args) => {
          if (++queries > 100) throw new Error('over 100 queries for one page');
          return args.node;
        },
        transformResult: async (args) => args.result,
      });
      for (const guess of Object.keys(GUESSES)) {
        queries = 0;
        const page = await newestMatching(counted, { scope: own, needle: tagged('instant'), limit: 3, window: 2, cap: 1, ...GUESSES[guess] });
        expect(page, guess).toEqual(expected);
        expect(queries, guess).toBeLessThan(40);
      }
    });

    it('without a needle, is the plain keyset page', async () => {
      const expected = await scope(db.selectFrom('posts')).select(['posts.id', 'posts.created_at']).orderBy('posts.created_at', 'desc').orderBy('posts.id', 'desc').limit(25).execute();
      expect(await newestMatching(db, { scope, limit: 25 })).toEqual(expected);
    });
  });
}
