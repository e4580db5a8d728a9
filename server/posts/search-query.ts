import { sql, type RawBuilder } from 'kysely';
import { SEARCH_MAX_TERMS } from '../../contracts/posts/schemas.ts';

/**
 * Search text → a tsquery built by Folio, never by PostgreSQL's query parsers. Those parsers
 * (`websearch_to_tsquery`, `to_tsquery`) fail with a 500-worthy error on inputs the contract
 * accepts (a run of 33 `-` exhausts their operator stack), so the syntax is read here and each
 * piece of user text reaches PostgreSQL only through `plainto_tsquery`/`phraseto_tsquery`, which
 * read words and never operators.
 *
 * Syntax (the web-search conventions): words must all match; `"a phrase"` matches the words in
 * order; `or` between two terms lets either match; `-word` (or `-"a phrase"`) excludes posts that
 * contain it. Every other character is part of a word (the text-search parser drops punctuation).
 * Only the first MAX_TERMS terms count, so a query's cost is bounded whatever its length. A query
 * whose terms are all exclusions matches nothing: "everything except x" is not a search.
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
  for (const token of tokenize(text)) {
    if (terms >= MAX_TERMS) break;
    if (token.kind === 'or') {
      joinNext = query.groups.length > 0;
      continue;
    }
    terms++;
    if (token.negated) query.excluded.push(token.term);
    else if (joinNext) query.groups.at(-1)!.push(token.term);
    else query.groups.push([token.term]);
    joinNext = false;
  }
  return query;
}

function termQuery(term: SearchTerm): RawBuilder<unknown> {
  return term.phrase ? sql`phraseto_tsquery('english', ${term.text})` : sql`plainto_tsquery('english', ${term.text})`;
}

/** The tsquery of a parsed search, or undefined when it can match nothing (no positive term). */
export function toTsquery(query: SearchQuery): RawBuilder<unknown> | undefined {
  if (query.groups.length === 0) return undefined;
  const parts = query.groups.map((group) => sql`(${sql.join(group.map(termQuery), sql` || `)})`);
  for (const term of query.excluded) parts.push(sql`!!${termQuery(term)}`);
  return sql`(${sql.join(parts, sql` && `)})`;
}
