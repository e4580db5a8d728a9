import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { PostResource, PostStatusValue } from '../../contracts/posts/schemas.ts';
import type { Keyset } from '../db/cursor.ts';
import { db } from '../db/index.ts';
import type { Database } from '../db/schema.ts';
import { PIPELINE_ERRORS } from '../../contracts/shared/errors.ts';
import { keyset } from '../db/keyset.ts';
import { fail, isFailure } from '../failure.ts';
import { hasScope, type Caller } from '../identity/caller.ts';
import { ID_PREFIX, selectPosts, toPost, type PostWithAuthor } from './read-model.ts';
import { newestMatching, type NewestMatching, type Position, type WindowEdge } from './newest-matching.ts';
import { hasWords, LexemeCache, parseSearch, toTsquery, wordBound } from './search-query.ts';

export interface PostFilters {
  status?: PostStatusValue;
  tag?: string[];
  author?: string;
  q?: string;
}


/** Drafts are listed only for a caller who may read them: their own, or all for an admin. */
function draftsOwner(caller: Caller | null) {
  if (!caller) return fail(PIPELINE_ERRORS.unauthorized, 'Listing drafts needs a bearer token.');
  if (hasScope(caller, 'admin')) return { owner: undefined };
  if (!hasScope(caller, 'posts:read')) return fail(PIPELINE_ERRORS.forbidden, 'Listing drafts needs the posts:read scope.');
  return { owner: caller.userId };
}

/** Whose posts the caller may list: everyone's published ones, or drafts as draftsOwner says. */
const ownerFor = (status: PostFilters['status'], caller: Caller | null) => (status === 'draft' ? draftsOwner(caller) : { owner: undefined });

const postsKeyset = keyset(ID_PREFIX);

type Ranked = PostWithAuthor & { rank?: number };

const both = (a: RawBuilder<boolean> | undefined, b: RawBuilder<boolean>) => (a ? sql<boolean>`(${a}) and (${b})` : b);

/**
 * One page of posts after `after`: newest first; or, with `q`, ranked — posts whose title
 * matches (rank 1) before posts that match only in the body (rank 0), newest first within each.
 * Each tier is a keyset page of ids found in bounded time however common or rare the search
 * words and tags are (newest-matching.ts), so the order is total and stable and a cursor resumes
 * exactly where the page ended; the page's rows are then read by id.
 */
async function fetchPage(conn: Kysely<Database>, filters: PostFilters, owner: string | undefined, after: Keyset | undefined, limit: number): Promise<Ranked[]> {
  const status = filters.status ?? 'published';
  const scope: NewestMatching['scope'] = (query) => {
    let scoped = query.where('posts.status', '=', status);
    if (owner) scoped = scoped.where('posts.author_id', '=', owner);
    if (filters.author) scoped = scoped.where('posts.author_id', '=', (eb) => eb.selectFrom('users').select('users.id').where('users.username', '=', filters.author!));
    return scoped;
  };
  const tagged = filters.tag?.length ? sql<boolean>`posts.tags @> ${sql.val(filters.tag)}::text[]` : undefined;
  const tiers: (Pick<NewestMatching, 'needle' | 'estimate' | 'dearToTest'> & { rank?: number })[] = [];
  const search = filters.q === undefined ? undefined : parseSearch(filters.q);
  const lexemes = new LexemeCache();
  if (!search) {
    tiers.push({ needle: tagged });
  } else {
    const tsquery = toTsquery(search, 'posts.search');
    const titleTsquery = toTsquery(search, 'posts.title_search');
    if (!tsquery || !titleTsquery) return [];
    const inTitle = sql<boolean>`posts.title_search @@ ${titleTsquery}`;
    // An excluded word may be in the body of a post whose title matches: then that post is out too.
    const excludes = search.excluded.length > 0;
    tiers.push(
      // The whole post is tested only where the title matches: cheap to test still, so walked as before.
      { rank: 1, needle: both(tagged, excludes ? sql<boolean>`${inTitle} and posts.search @@ ${tsquery}` : inTitle), estimate: wordBound(search, 'posts.title_search', lexemes) },
      // A body's search vector is large, read from TOAST for each post a walk passes.
      { rank: 0, needle: both(tagged, sql<boolean>`posts.search @@ ${tsquery} and not (${inTitle})`), estimate: wordBound(search, 'posts.search', lexemes), dearToTest: true },
    );
  }
  // A search cursor's rank says which tier it stopped in (any other number rounds to one of them);
  // a plain list has one tier, and reads any cursor as the position it holds.
  const startTier = tiers.length > 1 && after?.rank !== undefined && after.rank < 0.5 ? 1 : 0;
  // Tiers that start from the top (no cursor) share one window edge: one query fewer for a search's first page.
  const topEdge: WindowEdge = {};
  const tierPages = async (trx: Kysely<Database>) => {
    const positions: (Position & { rank?: number })[] = [];
    // Stop words and punctuation alone (`the -zebra`) search for nothing, exclusions or not.
    if (search && !(await hasWords(trx, search, lexemes))) return positions;
    for (const [index, tier] of tiers.entries()) {
      if (index < startTier || positions.length >= limit) continue;
      const from = index === startTier ? after : undefined;
      const { needle, estimate, dearToTest } = tier;
      const page = await newestMatching(trx, { scope, needle, estimate, dearToTest, after: from, limit: limit - positions.length, edge: from ? undefined : topEdge });
      positions.push(...page.map((position) => ({ ...position, rank: tier.rank })));
    }
    return positions;
  };
  for (let attempt = 1; ; attempt++) {
    // A search's tiers share one transaction: one begin and commit, not one each.
    const positions = tiers.length > 1 ? await conn.transaction().execute(tierPages) : await tierPages(conn);
    if (positions.length === 0) return [];
    // Read by id, still only what the caller may list: the post may have become a draft since.
    let read = selectPosts(conn).where('posts.id', 'in', positions.map((p) => p.id)).where('posts.status', '=', status);
    if (owner) read = read.where('posts.author_id', '=', owner);
    const rows = new Map((await read.execute()).map((row) => [row.id, row]));
    // A post deleted or unpublished between the two reads would leave the page short, and a
    // client would take it for the last: read it again (a third miss in a row is let be).
    if (rows.size < positions.length && attempt < 3) continue;
    return positions.flatMap(({ id, rank }) => {
      const row = rows.get(id);
      return row ? [{ ...row, ...(rank !== undefined && { rank }) }] : [];
    });
  }
}

function positionOf(row: Ranked): Keyset {
  return { ...(row.rank !== undefined && { rank: row.rank }), createdAt: row.created_at, id: row.id };
}

export async function postsPage(options: PostFilters & { limit: number; cursor?: string }, caller: Caller | null) {
  const scope = ownerFor(options.status, caller);
  if (isFailure(scope)) return scope;
  const rows = await fetchPage(db(), options, scope.owner, postsKeyset.after(options.cursor), options.limit + 1);
  return postsKeyset.page(rows, options.limit, toPost, positionOf);
}

const CSV_COLUMNS = ['id', 'slug', 'title', 'status', 'tags', 'author', 'excerpt', 'body', 'created_at', 'updated_at', 'published_at'] as const;
const BATCH = 500;

/**
 * One RFC 4180 field. A cell a spreadsheet would read as a formula (= + - @, or a leading tab or
 * carriage return) gets a leading apostrophe, so exported content cannot run as code (OWASP).
 */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function csvRow(post: PostResource): string {
  const cells: Record<(typeof CSV_COLUMNS)[number], string> = {
    ...post,
    tags: post.tags.join(' '),
    author: post.author.username,
    published_at: post.published_at ?? '',
  };
  return `${CSV_COLUMNS.map((column) => csvField(cells[column])).join(',')}\r\n`;
}

/**
 * Every post the filters match, from the cursor on, as CSV: a header row, then rows read in
 * keyset batches and written as the client reads them, so memory stays flat however many match.
 */
export function streamPostsCsv(options: PostFilters & { cursor?: string }, caller: Caller | null) {
  const scope = ownerFor(options.status, caller);
  if (isFailure(scope)) return scope;
  const { owner } = scope;
  let after = postsKeyset.after(options.cursor);
  let headerSent = false;
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(`${CSV_COLUMNS.join(',')}\r\n`));
        return;
      }
      const rows = await fetchPage(db(), options, owner, after, BATCH);
      if (rows.length > 0) controller.enqueue(encoder.encode(rows.map((row) => csvRow(toPost(row))).join('')));
      if (rows.length < BATCH) controller.close();
      else after = positionOf(rows.at(-1)!);
    },
  });
}
