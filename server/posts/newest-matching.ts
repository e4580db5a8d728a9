import { CompiledQuery, sql, type Expression, type Kysely, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type { Keyset } from '../db/cursor.ts';
import type { Database } from '../db/schema.ts';

/**
 * One page of post ids, newest first (created_at, then id), among the posts a query selects and
 * a *needle* matches — a full-text search or a tag, whose selectivity nobody knows in advance —
 * in time bounded whatever that selectivity is. Left to itself, PostgreSQL's planner picks one
 * plan from its guess of the selectivity, and a wrong guess (a word no post contains looks like a
 * rare word) walks the whole table: seconds at a million posts, from one anonymous request. So
 * the plan is decided here, from two bounded steps, each pinned with `SET LOCAL` planner switches
 * (all of them, each time: a transaction may hold several calls):
 *
 * - **The index:** ask the needle's GIN index for at most CAP matches and sort them — all of them
 *   when the needle is rare (or absent: nothing to fetch at all). More than CAP means common.
 * - **The walk:** walk posts in keyset order testing the needle — cheap exactly when it is common:
 *   with more than CAP matches, a page is found within about limit × posts / CAP rows.
 *
 * Which comes first is the planner's estimate of the matches (EXPLAIN, no rows read): few, the
 * index (a rare or absent word costs no walk); many, the walk, first through the newest WINDOW
 * posts only, then the index past them, then the walk on. A wrong estimate costs one step more,
 * never a walk of the table.
 *
 * The limit of this plan: the index step reads its rows capped, but its bitmap reads the needle's
 * whole posting list. That is cheap for the needles it is asked first for; past the window it
 * is asked for a needle estimated common that the newest posts barely contain (a topic of two
 * years ago), and a word in most of a million posts costs about 100–200 ms there. An index that
 * keeps each word's posts in time order (RUM, or one GIN per time partition) would remove it.
 */
const WINDOW = 2000;
const CAP = 5000;

export interface Position {
  id: string;
  created_at: Date;
}

export type PostsQuery = SelectQueryBuilder<Database, 'posts', object>;

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

/** Pins the planner for the rest of the transaction: every switch in one statement (one round trip, not one each). */
async function planWith(trx: Kysely<Database>, settings: Record<string, 'on' | 'off'>) {
  const switches = Object.entries(settings).map(([name, value]) => sql`set_config(${name}, ${value}, true)`);
  await sql`select ${sql.join(switches)}`.execute(trx);
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

const WALK = { enable_bitmapscan: 'off', enable_indexscan: 'on', enable_indexonlyscan: 'on', enable_seqscan: 'on' } as const;
const INDEX = { enable_bitmapscan: 'on', enable_indexscan: 'off', enable_indexonlyscan: 'off', enable_seqscan: 'off' } as const;

export async function newestMatching(conn: Kysely<Database>, options: NewestMatching): Promise<Position[]> {
  const { scope, needle, after, limit, window = WINDOW, cap = CAP, estimate = plannedMatches } = options;
  const positioned = (query: PostsQuery, from: Keyset | Position | undefined) =>
    from
      ? query.where((eb) =>
          eb(eb.refTuple('posts.created_at', 'posts.id'), '<', eb.tuple('createdAt' in from ? from.createdAt : from.created_at, from.id)),
        )
      : query;
  const newest = (query: PostsQuery, n: number) =>
    query.select(['posts.id', 'posts.created_at']).orderBy('posts.created_at', 'desc').orderBy('posts.id', 'desc').limit(n).execute();
  if (!needle) return newest(positioned(scope(conn.selectFrom('posts')), after), limit);

  // In the caller's transaction when given one (a search's tiers share theirs), else in its own.
  const inTransaction = <T>(run: (trx: Kysely<Database>) => Promise<T>) => (conn.isTransaction ? run(conn) : conn.transaction().execute(run));
  return inTransaction(async (trx) => {
    const all = (from: Keyset | Position | undefined) => positioned(scope(trx.selectFrom('posts')), from);
    const walk = async (from: Keyset | Position | undefined, n: number) => {
      await planWith(trx, WALK);
      return newest(all(from).where(needle), n);
    };
    /** The index step: the newest `n` of at most CAP + 1 matches, sorted here; undefined when there are more (common). */
    const fromIndex = async (from: Keyset | Position | undefined, n: number) => {
      await planWith(trx, INDEX);
      const capped = all(from).where(needle).select(['posts.id', 'posts.created_at']).limit(cap + 1);
      const rows = await trx
        .selectFrom(capped.as('m'))
        .select(['m.id', 'm.created_at', sql<number>`(count(*) over ())::int`.as('matches')])
        .orderBy('m.created_at', 'desc')
        .orderBy('m.id', 'desc')
        .limit(n)
        .execute();
      return (rows[0]?.matches ?? 0) <= cap ? rows.map(({ id, created_at }) => ({ id, created_at })) : undefined;
    };

    // Few matches expected: the index first, and if it finds more than CAP, the walk.
    if ((await estimate(trx, all(after), needle)) <= cap) return (await fromIndex(after, limit)) ?? (await walk(after, limit));

    // Many expected: the newest WINDOW posts first (its edge shared between tiers).
    const shared = options.edge;
    const edge = shared?.found ? shared.position : (await all(after).select(['posts.id', 'posts.created_at']).orderBy('posts.created_at', 'desc').orderBy('posts.id', 'desc').offset(window - 1).limit(1).execute())[0];
    if (shared && !shared.found) Object.assign(shared, { position: edge, found: true });
    await planWith(trx, WALK);
    const inWindow = all(after).where(needle);
    const found = await newest(edge ? inWindow.where((eb) => eb(eb.refTuple('posts.created_at', 'posts.id'), '>=', eb.tuple(edge.created_at, edge.id))) : inWindow, limit);
    if (found.length >= limit || !edge) return found;
    const rest = limit - found.length;
    // Past the window: the index — unless the window already showed the needle to be common
    // (at least half a page in it: the rest lie within about one more window) — then the walk.
    const indexed = found.length < rest ? await fromIndex(edge, rest) : undefined;
    return [...found, ...(indexed ?? (await walk(edge, rest)))];
  });
}
