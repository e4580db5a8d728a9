/**
 * Breaking changes accepted without a new major version: each listed by rule and pointer, with
 * the reason — a security fix that had to tighten a rule, say. The list lives in
 * contracts/accepted-breaking-changes.json; `npm run openapi:diff` fails on a breaking change it
 * does not list *and* on an entry that matches no change (so it never outlives its change), and
 * `npm run release` writes the reasons into the changelog and empties the list.
 */
import { readFileSync } from 'node:fs';
import { RULES, type Change, type Rule } from './rules.ts';

export interface AcceptedBreak {
  rule: Rule;
  /** JSON Pointers of the changed nodes, as the report prints them. */
  pointers: string[];
  reason: string;
}

export const ACCEPTED_FILE = new URL('../../contracts/accepted-breaking-changes.json', import.meta.url);

export function readAccepted(file: URL = ACCEPTED_FILE): AcceptedBreak[] {
  const list = (JSON.parse(readFileSync(file, 'utf8')) as { accepted: AcceptedBreak[] }).accepted;
  for (const entry of list) {
    if (!(entry.rule in RULES) || RULES[entry.rule][0] !== 'breaking') throw new Error(`${file.pathname}: ${entry.rule} is not a breaking rule`);
    if (!entry.reason?.trim()) throw new Error(`${file.pathname}: the entry for ${entry.rule} gives no reason`);
  }
  return list;
}

/** The reason a change was accepted, if it was. */
export function acceptance(change: Change, accepted: readonly AcceptedBreak[]): AcceptedBreak | undefined {
  return accepted.find((entry) => entry.rule === change.rule && entry.pointers.includes(change.pointer));
}

/** Entries (rule, pointer) that match no breaking change: stale, to be removed. */
export function unusedAcceptances(breaking: readonly Change[], accepted: readonly AcceptedBreak[]): string[] {
  return accepted.flatMap((entry) =>
    entry.pointers.filter((pointer) => !breaking.some((c) => c.rule === entry.rule && c.pointer === pointer)).map((pointer) => `${entry.rule} ${pointer}`),
  );
}
