/** Whether a diff may be released under the new info.version: breaking changes need a new major version. */
import { json } from './resolve.ts';
import type { Change } from './rules.ts';
import { diffDocuments } from './compare.ts';
import { acceptance, unusedAcceptances, type AcceptedBreak } from './accepted.ts';

export interface Verdict {
  ok: boolean;
  /** Breaking changes not accepted (contracts/accepted-breaking-changes.json). */
  breaking: Change[];
  /** Breaking changes accepted without a major version, with their reasons. */
  accepted: (Change & { reason: string })[];
  /** Acceptances that match no change. */
  unused: string[];
  nonBreaking: Change[];
  baseVersion: string;
  headVersion: string;
  summary: string;
}

const semver = (v: unknown): [number, number, number] => {
  const m = /^(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$/.exec(String(v));
  if (!m) throw new Error(`info.version is not semantic (MAJOR.MINOR.PATCH): ${json(v)}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
};
export const compareVersions = (a: string, b: string) => {
  const [x, y] = [semver(a), semver(b)];
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
};

/**
 * Breaking changes pass when info.version's major part was raised, or when each is listed with a
 * reason in the accepted list (scripts/openapi-diff/accepted.ts) — and that list has no stale entry.
 */
export function verdict(
  base: object,
  head: object,
  changes: readonly Change[] = diffDocuments(base, head),
  acceptedList: readonly AcceptedBreak[] = [],
): Verdict {
  const baseVersion = String((base as { info?: { version?: unknown } }).info?.version);
  const headVersion = String((head as { info?: { version?: unknown } }).info?.version);
  const allBreaking = changes.filter((c) => c.severity === 'breaking');
  const accepted = allBreaking.flatMap((c) => {
    const entry = acceptance(c, acceptedList);
    return entry ? [{ ...c, reason: entry.reason }] : [];
  });
  const breaking = allBreaking.filter((c) => !acceptance(c, acceptedList));
  const unused = unusedAcceptances(allBreaking, acceptedList);
  const nonBreaking = changes.filter((c) => c.severity === 'non-breaking');
  const majorRaised = semver(headVersion)[0] > semver(baseVersion)[0];
  const ok = (breaking.length === 0 || majorRaised) && unused.length === 0;
  const acceptedNote = accepted.length ? ` ${accepted.length} accepted breaking change(s), each with its reason.` : '';
  const summary =
    unused.length > 0
      ? `contracts/accepted-breaking-changes.json lists changes that did not happen (remove them): ${unused.join('; ')}`
      : breaking.length === 0
        ? `No breaking changes (${nonBreaking.length} non-breaking).${acceptedNote}`
        : majorRaised
          ? `${breaking.length} breaking change(s), allowed: the major version was raised (${baseVersion} → ${headVersion}).`
          : `${breaking.length} breaking change(s) without a major version bump (${baseVersion} → ${headVersion}). ` +
            'Make the change compatible, raise the major version (API_VERSION in contracts/document.ts, and the /api/vN path), ' +
            'or, when it must ship in this version (a security fix), list it with the reason in contracts/accepted-breaking-changes.json.';
  return { ok, breaking, accepted, unused, nonBreaking, baseVersion, headVersion, summary };
}
