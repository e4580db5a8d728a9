import { sql, type Expression, type Kysely, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type { Keyset } from '../db/cursor.ts';
import type { Database } from '../db/schema.ts';

/**
 * One page of post ids, newest first (created_at, then id), among the posts a query selects and
 * a *needle* matches — a full-text search or a tag, whose selectivity nobody knows in advance —
 * in time bounded whatever that selectivity is. PostgreSQL's planner guesses it from statistics,
 * and a guess that is wrong (a word no post contains looks like a rare word) walks the whole table:
 * seconds at a million posts, from one anonymous request. So the plan is decided here, in steps
 * each of which is cheap exactly when the previous one gave up:
 *
 * 1. Walk the newest WINDOW posts in keyset order, testing the needle: enough matches when the
 *    needle is common.
 * 2. Beyond the window, ask the needle's GIN index for at most CAP matches and sort them: all of
 *    them when the needle is rare (or absent: nothing to fetch at all).
 * 3. More than CAP matches beyond the window (or, in the window, at least half a page): the needle
 *    is common, so walking on from the window's end finds the page within about limit × posts / CAP rows.
 *
 * Each step is pinned to its plan with `SET LOCAL` planner switches inside one transaction.
 */
const WINDOW = 2000;
const CAP = 5000;

export interface Position {
  id: string;
  created_at: Date;
}

type PostsQuery = SelectQueryBuilder<Database, 'posts', object>;

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

export async function newestMatching(conn: Kysely<Database>, options: NewestMatching): Promise<Position[]> {
  const { scope, needle, after, limit, window = WINDOW, cap = CAP } = options;
  const positioned = (query: PostsQuery, from: Keyset | Position | undefined) =>
    from
      ? query.where((eb) =>
          eb(eb.refTuple('posts.created_at', 'posts.id'), '<', eb.tuple('createdAt' in from ? from.createdAt : from.created_at, from.id)),
        )
      : query;
  const newest = (query: PostsQuery, n: number) =>
    query.select(['posts.id', 'posts.created_at']).orderBy('posts.created_at', 'desc').orderBy('posts.id', 'desc').limit(n).execute();
  if (!needle) return newest(positioned(scope(conn.selectFrom('posts')), after), limit);

  return conn.transaction().execute(async (trx) => {
    const all = (from: Keyset | Position | undefined) => positioned(scope(trx.selectFrom('posts')), from);
    // 1. The window: its last post, then the matches up to it, by walking the keyset index.
    const shared = options.edge;
    const edge = shared?.found
      ? shared.position
      : (await all(after).select(['posts.id', 'posts.created_at']).orderBy('posts.created_at', 'desc').orderBy('posts.id', 'desc').offset(window - 1).limit(1).execute())[0];
    if (shared && !shared.found) Object.assign(shared, { position: edge, found: true });
    await planWith(trx, { enable_bitmapscan: 'off' });
    const inWindow = all(after).where(needle);
    const found = await newest(
      edge ? inWindow.where((eb) => eb(eb.refTuple('posts.created_at', 'posts.id'), '>=', eb.tuple(edge.created_at, edge.id))) : inWindow,
      limit,
    );
    if (found.length >= limit || !edge) return found;
    const rest = limit - found.length;

    // 2. Past the window: at most CAP + 1 matches from the needle's index, sorted here — unless the
    //    window already showed the needle to be common (the rest lie within about one more window).
    if (found.length < rest) {
      await planWith(trx, { enable_bitmapscan: 'on', enable_indexscan: 'off', enable_indexonlyscan: 'off', enable_seqscan: 'off' });
      const capped = all(edge).where(needle).select(['posts.id', 'posts.created_at']).limit(cap + 1);
      const rows = await trx
        .selectFrom(capped.as('m'))
        .select(['m.id', 'm.created_at', sql<number>`(count(*) over ())::int`.as('matches')])
        .orderBy('m.created_at', 'desc')
        .orderBy('m.id', 'desc')
        .limit(rest)
        .execute();
      if ((rows[0]?.matches ?? 0) <= cap) return [...found, ...rows.map(({ id, created_at }) => ({ id, created_at }))];
    }

    // 3. Common after all: walk on from the window's edge.
    await planWith(trx, { enable_bitmapscan: 'off', enable_indexscan: 'on', enable_indexonlyscan: 'on', enable_seqscan: 'on' });
    return [...found, ...(await newest(all(edge).where(needle), rest))];
  });
}
