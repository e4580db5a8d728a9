import { CompiledQuery, sql, type Expression, type Kysely, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type { Keyset } from '../db/cursor.ts';
import type { Database } from '../db/schema.ts';

/**
 * One page of post ids, newest first (created_at, then id), among the posts a query selects and
 * a *needle* matches — a full-text search or a tag, whose selectivity nobody knows in advance —
 * in time bounded whatever that selectivity is. Left to itself, PostgreSQL's planner picks one
 * plan from its guess of the selectivity, and a wrong guess (a word no post contains looks like a
 * rare word) walks the whole table: seconds at a million posts, from one anonymous request. So
 * the plan is decided here, from bounded steps, each pinned with `SET LOCAL` planner switches
 * (all of them, whenever the step changes: a transaction may hold several calls):
 *
 * - **The index:** ask the needle's GIN index for at most CAP matches and sort them — all of them
 *   when the needle is rare (or absent: nothing to fetch at all). More than CAP means common.
 * - **The window:** walk the next WINDOW posts in keyset order testing the needle — cheap exactly
 *   when it is common there: a page is found within about limit × posts / matches rows. A needle
 *   dear to test and expected in fewer posts (BITMAP_WINDOW) has the window read from its index,
 *   and the index step past it reads all its matches up to that many, not CAP.
 * - **The slices:** spans of creation time going back, each asked of the needle's index ANDed
 *   with the created_at index (a bitmap AND: only the matches inside the span are read), for a
 *   needle common long ago and rare since, which neither of the others finds in bounded time.
 *
 * Which comes first is the planner's estimate of the matches (EXPLAIN, no rows read): few, the
 * index (a rare or absent word costs no walk); many, the newest WINDOW posts, then the index past
 * them. Whatever either leaves, one more window and then the slices find. A wrong estimate costs
 * a step more, and no step walks more than a window: no needle walks the table. (Before the
 * slices, a word in 6,000 of the oldest of a million posts walked all the others: 5 s, cut off
 * by the statement timeout.)
 *
 * What a step costs: the index and the slices read the needle's whole posting list (compressed,
 * yet 70 ms for a word in most of a million posts), the slices also the created_at index over
 * their span, and the index step's rows are capped. A time-ordered index (RUM, or one GIN per
 * time partition) would make the slices unnecessary.
 */
const WINDOW = 2000;
const CAP = 5000;
const SLICES = 64;
/**
 * A needle dear to test, expected in up to this many times WINDOW posts, has its window read
 * from its index: a posting-list entry costs about a fortieth of a walked post whose body's
 * search vector is read from TOAST and tested, so that read costs at most about a quarter of the
 * walk it replaces — and a needle absent from the newest posts costs it nothing more (at a
 * million posts, a word of the oldest 2%: an 11 ms walk became a 1.5–3 ms read). A needle more
 * common than that is found a few posts into a walk, sooner than its posting list is read; one
 * cheap to test (a title's small vector, a post's tags) is walked anyway: a phrase in 1.5% of
 * titles took 2 ms walked, 10 ms from the index (the posting lists of its two words and more).
 *
 * When such a window falls short, the index step past it reads up to that many matches too, not
 * CAP: the needle was expected in no more, and one read of them all, sorted, costs less than a
 * capped read followed by the slices, which read most of them again (that word of the oldest 2%,
 * 17,225 matches: in PostgreSQL's log, 12 ms capped then 25 ms of slices became one read of 23–29 ms).
 */
const BITMAP_WINDOW = 10;

export interface Position {
  id: string;
  created_at: Date;
}

export type PostsQuery = SelectQueryBuilder<Database, 'posts', object>;

/** An index step that found more than CAP matches: the newest of them lie at or after `overflow`. */
interface Overflow {
  overflow: Date;
}

export type Estimate = (trx: Kysely<Database>, scoped: PostsQuery, needle: Expression<SqlBool>) => Promise<number>;

export interface NewestMatching {
  /** The posts that may appear at all (status, owner, author), as a query on `posts`. */
  scope: (query: PostsQuery) => PostsQuery;
  /** The selective condition on `posts`, if any. */
  needle?: Expression<SqlBool>;
  /** Only posts after this position (older, in list order). */
  after?: Keyset;
  limit: number;
  /** The step sizes (tests make them small to reach every step with a few posts). */
  window?: number;
  cap?: number;
  /** How many posts in `scoped` the needle is expected to match: the planner's estimate unless given (tests force each order). */
  estimate?: Estimate;
  /** Testing the needle on a post costs far more than reading a match from its index (see BITMAP_WINDOW). */
  dearToTest?: boolean;
  /**
   * The window's edge, shared by calls with the same scope and `after` (a search's two tiers):
   * the first finds it, the next reuse it. Any edge gives the same page — the window and the
   * steps past it meet there — so one found in an earlier transaction is as good.
   */
  edge?: WindowEdge;
}

export interface WindowEdge {
  /** Set once looked for: the window's last post, or undefined when the scope has fewer posts than the window. */
  position?: Position;
  found?: boolean;
}

/** The planner switches of a step: a walk in keyset order, or the GIN (and created_at) indexes' bitmaps. */
type Plan = Readonly<Record<'enable_bitmapscan' | 'enable_indexscan' | 'enable_indexonlyscan' | 'enable_seqscan', 'on' | 'off'>>;
const WALK: Plan = { enable_bitmapscan: 'off', enable_indexscan: 'on', enable_indexonlyscan: 'on', enable_seqscan: 'on' };
const INDEX: Plan = { enable_bitmapscan: 'on', enable_indexscan: 'off', enable_indexonlyscan: 'off', enable_seqscan: 'off' };

/** The switches each open transaction has pinned last (SET LOCAL lasts until it ends). */
const pinned = new WeakMap<Kysely<Database>, Plan>();

/**
 * Pins the planner for the rest of the transaction: every switch in one statement (one round
 * trip, not one each), and none when the transaction already has exactly these pinned (the
 * index step, run slice after slice, or by one tier after the other).
 */
async function planWith(trx: Kysely<Database>, plan: Plan) {
  if (pinned.get(trx) === plan) return;
  const switches = Object.entries(plan).map(([name, value]) => sql`set_config(${name}, ${value}, true)`);
  await sql`select ${sql.join(switches)}`.execute(trx);
  pinned.set(trx, plan);
}

interface PlanNode {
  'Node Type': string;
  'Plan Rows': number;
  Plans?: PlanNode[];
}

/**
 * The planner's estimate of the rows each query selects, from one EXPLAIN of their UNION ALL:
 * planned, never run. Infinity for each if the plan is not the one Append it should be.
 */
export async function plannedRows(trx: Kysely<Database>, queries: PostsQuery[]): Promise<number[]> {
  const selects = queries.map((query) => query.select(sql<number>`1`.as('one')));
  const { sql: text, parameters } = selects.reduce((union, next) => union.unionAll(next)).compile();
  // Both drivers parse the json column (pg and PGlite alike).
  const { rows } = await trx.executeQuery<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(CompiledQuery.raw(`explain (format json) ${text}`, [...parameters]));
  const plan = rows[0]?.['QUERY PLAN'][0]?.Plan;
  const parts = queries.length === 1 ? [plan] : plan?.['Node Type'] === 'Append' ? (plan.Plans ?? []) : [];
  return parts.length === queries.length ? parts.map((part) => part?.['Plan Rows'] ?? Number.POSITIVE_INFINITY) : queries.map(() => Number.POSITIVE_INFINITY);
}

/** The default estimate: the planner's, for the needle as a whole. */
const plannedMatches: Estimate = async (trx, scoped, needle) => (await plannedRows(trx, [scoped.where(needle)]))[0] ?? Number.POSITIVE_INFINITY;


export async function newestMatching(conn: Kysely<Database>, options: NewestMatching): Promise<Position[]> {
  const { scope, needle, after, limit, window = WINDOW, cap = CAP, estimate = plannedMatches, dearToTest = false } = options;
  const timeOf = (from: Keyset | Position) => ('createdAt' in from ? from.createdAt : from.created_at);
  const positioned = (query: PostsQuery, from: Keyset | Position | undefined) =>
    from ? query.where((eb) => eb(eb.refTuple('posts.created_at', 'posts.id'), '<', eb.tuple(timeOf(from), from.id))) : query;
  const newest = (query: PostsQuery, n: number) =>
    query.select(['posts.id', 'posts.created_at']).orderBy('posts.created_at', 'desc').orderBy('posts.id', 'desc').limit(n).execute();
  if (!needle) return newest(positioned(scope(conn.selectFrom('posts')), after), limit);

  // In the caller's transaction when given one (a search's tiers share theirs), else in its own.
  const inTransaction = <T>(run: (trx: Kysely<Database>) => Promise<T>) => (conn.isTransaction ? run(conn) : conn.transaction().execute(run));
  return inTransaction(async (trx) => {
    const all = (from: Keyset | Position | undefined) => positioned(scope(trx.selectFrom('posts')), from);

    /**
     * The index step: the newest `n` of at most `most` + 1 matches (CAP unless given; since
     * `since`, if given), sorted here — or, when there are more (common), where the newest of them
     * begin: the n-th newest of those read, at or after which at least that many lie. With
     * `since`, the range is the created_at index's to AND with the needle's, so only the matches
     * inside it are read.
     */
    const fromIndex = async (from: Keyset | Position | undefined, n: number, since?: Date, most = cap): Promise<Position[] | Overflow> => {
      await planWith(trx, INDEX);
      let matching = all(from).where(needle);
      // The range in a form the created_at index can read (the keyset comparison is not one).
      if (since && from) matching = matching.where('posts.created_at', '>=', since).where('posts.created_at', '<=', timeOf(from));
      const rows = await trx
        .selectFrom(matching.select(['posts.id', 'posts.created_at']).limit(most + 1).as('m'))
        .select(['m.id', 'm.created_at', sql<number>`(count(*) over ())::int`.as('matches')])
        .orderBy('m.created_at', 'desc')
        .orderBy('m.id', 'desc')
        .limit(n)
        .execute();
      if ((rows[0]?.matches ?? 0) > most) return { overflow: rows.at(-1)!.created_at };
      return rows.map(({ id, created_at }) => ({ id, created_at }));
    };

    /**
     * The window step: the matches among the WINDOW posts past `from`, and the last of those posts
     * (undefined: fewer remain). Walked, testing the needle post by post — or, `readFromIndex`, read
     * from its index ANDed with the keyset index over the window, which costs its posting list,
     * not the walk (see BITMAP_WINDOW).
     */
    const inWindow = async (from: Keyset | Position | undefined, n: number, readFromIndex: boolean, shared?: WindowEdge) => {
      let edge = shared?.position;
      if (!shared?.found) {
        // The edge walks the keyset index: under the index step's switches it would sort every post.
        await planWith(trx, WALK);
        edge = (await all(from).select(['posts.id', 'posts.created_at']).orderBy('posts.created_at', 'desc').orderBy('posts.id', 'desc').offset(window - 1).limit(1).execute())[0];
        if (shared) Object.assign(shared, { position: edge, found: true });
      }
      await planWith(trx, readFromIndex ? INDEX : WALK);
      const matching = all(from).where(needle);
      const found = await newest(edge ? matching.where((eb) => eb(eb.refTuple('posts.created_at', 'posts.id'), '>=', eb.tuple(edge.created_at, edge.id))) : matching, n);
      return { found, edge };
    };

    /**
     * The slices, for what is left past `from` when neither a window nor the capped index found
     * it (a needle common long ago, rare since): spans of creation time going back, each read
     * from the needle's index ANDed with the created_at index, so a slice costs its own matches,
     * not every match. The first spans 1/SLICES of the time left (or from `first`, where an index
     * step found the newest matches to begin), each next one twice the last. A slice with more
     * than CAP matches narrows to its newer half, or further, to where the newest of those read
     * begin (rows come in physical order, often the oldest first, so that alone may narrow
     * little), and the slices after it keep that span: a page, far smaller than CAP, ends within
     * it, found in a binary descent. A slice that is a single instant and still has more is walked.
     */
    const slices = async (from: Position, n: number, first?: Date) => {
      const found: Position[] = [];
      await planWith(trx, WALK);
      const oldest = (await scope(trx.selectFrom('posts')).select('posts.created_at').orderBy('posts.created_at').limit(1).execute())[0]?.created_at;
      if (!oldest) return found;
      let top = from;
      // Once a slice had more than CAP, the rest of the page lies within it: spans shrink from then on.
      let grow = true;
      let span = first && first < top.created_at ? top.created_at.getTime() - first.getTime() : Math.floor((top.created_at.getTime() - oldest.getTime()) / SLICES);
      while (found.length < n) {
        const since = new Date(Math.max(top.created_at.getTime() - span, oldest.getTime()));
        const inSlice = await fromIndex(top, n - found.length, since);
        // Past the first slice `top` is exclusive (everything before an instant): its slice holds
        // `span` instants, not span + 1. One instant with more than CAP cannot narrow: it is walked.
        // (Narrowed as if it could, it became an empty slice and back, for ever: found by a review.)
        const instants = span + (top.id === '' ? 0 : 1);
        if (!('overflow' in inSlice)) found.push(...inSlice);
        else if (instants > 1) {
          span = Math.min(top.created_at.getTime() - inSlice.overflow.getTime(), Math.floor(span / 2));
          grow = false;
          continue;
        } else {
          await planWith(trx, WALK);
          found.push(...(await newest(all(top).where(needle).where('posts.created_at', '>=', since), n - found.length)));
        }
        if (since <= oldest) break;
        // Next: everything created before this slice began.
        top = { id: '', created_at: since };
        span = Math.max(1, grow ? span * 2 : span);
      }
      return found;
    };

    /** Past `from` in bounded steps, whatever the needle: one more window (where a common needle is found), then slices (from `first`, if known). */
    const beyond = async (from: Keyset | Position | undefined, n: number, first?: Date) => {
      // The needle is known to be common (a window found half a page, or the index more than CAP): walk.
      const { found, edge } = await inWindow(from, n, false);
      if (found.length >= n || !edge) return found;
      return [...found, ...(await slices(edge, n - found.length, first))];
    };

    // Few matches expected: the index first; if it finds more than CAP after all, the steps past it.
    const expected = await estimate(trx, all(after), needle);
    if (expected <= cap) {
      const indexed = await fromIndex(after, limit);
      return 'overflow' in indexed ? await beyond(after, limit, indexed.overflow) : indexed;
    }

    // Many expected: the newest WINDOW posts first (its edge shared between tiers).
    const fewForIndex = window * BITMAP_WINDOW;
    const readFromIndex = dearToTest && expected <= fewForIndex;
    const { found, edge } = await inWindow(after, limit, readFromIndex, options.edge);
    if (found.length >= limit || !edge) return found;
    const rest = limit - found.length;
    // Past the window: when the window already showed the needle to be common (at least half a
    // page in it: the rest lie within about one more window), one more window and on; else the
    // index (up to CAP matches, or all those expected of a needle read from it: more than CAP, at
    // most fewForIndex), and if it finds more, the slices from where it found the newest to begin.
    if (found.length >= rest) return [...found, ...(await beyond(edge, rest))];
    const indexed = await fromIndex(edge, rest, undefined, readFromIndex ? fewForIndex : cap);
    return [...found, ...('overflow' in indexed ? await slices(edge, rest, indexed.overflow) : indexed)];
  });
}
