import { sql, type Kysely, type RawBuilder } from 'kysely';
import { SEARCH_MAX_TERMS } from '../../contracts/posts/schemas.ts';
import type { Database } from '../db/schema.ts';
import { plannedRows, type Estimate } from './newest-matching.ts';

/**
 * Search text → a tsquery built by Folio, never by PostgreSQL's query parsers. Those parsers
 * (`websearch_to_tsquery`, `to_tsquery`) fail with a 500-worthy error on inputs the contract
 * accepts (a run of 33 `-` exhausts their operator stack), so the syntax is read here and each
 * piece of user text reaches PostgreSQL only through `plainto_tsquery`/`phraseto_tsquery`, which
 * read words and never operators.
 *
 * Syntax (the web-search conventions): words must all match; `"a phrase"` matches the words in
 * order; `or` between two terms lets either match (next to an exclusion it joins nothing); `-word`
 * (or `-"a phrase"`) excludes posts that contain it, in the title or the body. Every other character is part of a word (the text-search parser drops punctuation).
 * Only the first MAX_TERMS terms count, so a query's cost is bounded whatever its length. A query
 * whose terms are all exclusions matches nothing: "everything except x" is not a search — nor is
 * it when the other terms are stop words or punctuation, which PostgreSQL drops (see hasWords).
 */
const MAX_TERMS = SEARCH_MAX_TERMS;

export interface SearchTerm {
  text: string;
  phrase: boolean;
}

export interface SearchQuery {
  /** Every group must match; a group matches when any of its terms does. */
  groups: SearchTerm[][];
  /** No post containing one of these matches. */
  excluded: SearchTerm[];
}

type Token = { kind: 'term'; term: SearchTerm; negated: boolean } | { kind: 'or' };

// A quoted phrase (the closing quote may be missing), or a run of anything but space and quotes.
const TOKEN = /(-?)"([^"]*)"?|(-?)([^\s"]+)/g;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const match of text.matchAll(TOKEN)) {
    const [, phraseSign, phrase, wordSign, word] = match;
    if (phrase !== undefined) {
      if (phrase.trim()) tokens.push({ kind: 'term', term: { text: phrase, phrase: true }, negated: phraseSign === '-' });
    } else if (word !== undefined) {
      if (wordSign === '' && word.toLowerCase() === 'or') tokens.push({ kind: 'or' });
      // A lone `-` (or `--x`) negates nothing by itself: the rest of the run is the word.
      else if (word.replace(/^-+/, '')) tokens.push({ kind: 'term', term: { text: word.replace(/^-+/, ''), phrase: false }, negated: wordSign === '-' });
    }
  }
  return tokens;
}

export function parseSearch(text: string): SearchQuery {
  const query: SearchQuery = { groups: [], excluded: [] };
  let terms = 0;
  let joinNext = false;
  // Whether the last term was one that must match: `or` joins two of those, and nothing else
  // (`gnu -ant or bee` requires gnu and bee, rather than letting bee stand in for gnu).
  let afterPositive = false;
  for (const token of tokenize(text)) {
    if (terms >= MAX_TERMS) break;
    if (token.kind === 'or') {
      joinNext = afterPositive;
      continue;
    }
    terms++;
    if (token.negated) query.excluded.push(token.term);
    else if (joinNext) query.groups.at(-1)!.push(token.term);
    else query.groups.push([token.term]);
    afterPositive = !token.negated;
    joinNext = false;
  }
  return query;
}

/** The text-search configuration of the posts' search columns (migrations 0004 and 0006): queries and lexemes must be read with the same one. */
const CONFIG = sql.lit('english');

/** Each quoted lexeme of a tsquery's text (a quote inside one is doubled). */
const LEXEME = `('(?:[^']|'')*')`;

/**
 * A term's tsquery, for the column it is read against. `posts.search` joins the title's vector
 * (weight A) and the body's (B), the body's positions right after the title's: there a phrase
 * must lie wholly in one or the other, or a title ending "release" and a body starting "Pipeline"
 * would match "release pipeline". PostgreSQL has no function that weights a tsquery, so the
 * weight is written into the text of the phrase query PostgreSQL made (its lexemes quoted by
 * PostgreSQL itself, with operators only of its own making) and read back.
 */
function termQuery(term: SearchTerm, column: SearchColumn): RawBuilder<unknown> {
  if (!term.phrase) return sql`plainto_tsquery(${CONFIG}, ${term.text})`;
  const phrase = sql`phraseto_tsquery(${CONFIG}, ${term.text})`;
  if (column === 'posts.title_search') return phrase;
  const within = (weight: 'A' | 'B') => sql`regexp_replace(${phrase}::text, ${LEXEME}, ${`\\1:${weight}`}, 'g')::tsquery`;
  return sql`(${within('A')} || ${within('B')})`;
}

export type SearchColumn = 'posts.search' | 'posts.title_search';

/** The tsquery of a parsed search against `column`, or undefined when it can match nothing (no positive term). */
export function toTsquery(query: SearchQuery, column: SearchColumn): RawBuilder<unknown> | undefined {
  if (query.groups.length === 0) return undefined;
  const parts = query.groups.map((group) => sql`(${sql.join(group.map((term) => termQuery(term, column)), sql` || `)})`);
  for (const term of query.excluded) parts.push(sql`!!${termQuery(term, column)}`);
  return sql`(${sql.join(parts, sql` && `)})`;
}

/**
 * An upper bound on how many posts a search matches in `scoped`, for newestMatching's choice of
 * order: the planner's estimate for each word *alone*. Its estimate for the whole query assumes
 * the words independent, and words of a title, a topic or a phrase are anything but ("connection
 * pooling": 140 estimated, 11,428 found at a million posts) — and an estimate too low sends a
 * common search to the index first, to read CAP rows before it walks. All words of a group must
 * match, so a group matches no more posts than its rarest word (or, for a group of `or` terms,
 * than its terms' rarest words summed); the search, no more than its smallest group. Words are
 * the lexemes PostgreSQL makes of each term (one statement, for both tiers); stop words, which
 * match nothing and constrain nothing, have none.
 *
 * Planning costs about 0.4 ms a word at a million posts, so at most ESTIMATED_WORDS are asked
 * about: each term's first word (lexemes come in alphabetical order), then each term's second,
 * and so on. A word left out loosens the bound (a term none of whose words was asked about bounds
 * nothing), never breaks it.
 */
const ESTIMATED_WORDS = 12;

export function wordBound(query: SearchQuery, column: SearchColumn, lexemes: LexemeCache): Estimate {
  return async (trx, scoped) => {
    const groups = (await lexemes.of(trx, query)).map((group) => group.filter((term) => term.length > 0)).filter((group) => group.length > 0);
    const terms = groups.flat();
    const depth = Math.max(0, ...terms.map((term) => term.length));
    const asked = [...new Set(Array.from({ length: depth }, (_, d) => terms.flatMap((term) => term[d] ?? [])).flat())].slice(0, ESTIMATED_WORDS);
    if (asked.length === 0) return Number.POSITIVE_INFINITY;
    const estimates = await plannedRows(trx, asked.map((word) => scoped.where(sql<boolean>`${sql.ref(column)} @@ plainto_tsquery('simple', ${word})`)));
    const rows = new Map(asked.map((word, i) => [word, estimates[i]!]));
    const rarest = (term: string[]) => Math.min(...term.flatMap((word) => rows.get(word) ?? []));
    return Math.min(...groups.map((group) => group.reduce((sum, term) => sum + rarest(term), 0)));
  };
}

/** Whether some group of the search has a word PostgreSQL indexes (not only stop words or punctuation). */
export async function hasWords(trx: Kysely<Database>, query: SearchQuery, lexemes: LexemeCache): Promise<boolean> {
  return (await lexemes.of(trx, query)).some((group) => group.some((term) => term.length > 0));
}

/** Each term's lexemes, looked up once per request (the first tier's transaction) and shared. */
export class LexemeCache {
  private found?: Promise<string[][][]>;

  of(trx: Kysely<Database>, query: SearchQuery): Promise<string[][][]> {
    this.found ??= (async () => {
      const texts = query.groups.flat().map((term) => term.text);
      const { rows } = await sql<{ lexemes: string[] }>`
        select array(select unnest(tsvector_to_array(to_tsvector(${CONFIG}, t.text)))) as lexemes
        from unnest(${sql.val(texts)}::text[]) with ordinality as t(text, n) order by t.n`.execute(trx);
      let next = 0;
      return query.groups.map((group) => group.map(() => rows[next++]?.lexemes ?? []));
    })();
    return this.found;
  }
}
