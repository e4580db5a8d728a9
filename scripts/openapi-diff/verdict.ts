/** Whether a diff may be released under the new info.version: breaking changes need a new major version. */
import { json } from './resolve.ts';
import type { Change } from './rules.ts';
import { diffDocuments } from './compare.ts';

export interface Verdict {
  ok: boolean;
  breaking: Change[];
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

/** Breaking changes pass only when info.version's major part was raised. */
export function verdict(base: object, head: object, changes: readonly Change[] = diffDocuments(base, head)): Verdict {
  const baseVersion = String((base as { info?: { version?: unknown } }).info?.version);
  const headVersion = String((head as { info?: { version?: unknown } }).info?.version);
  const breaking = changes.filter((c) => c.severity === 'breaking');
  const nonBreaking = changes.filter((c) => c.severity === 'non-breaking');
  const majorRaised = semver(headVersion)[0] > semver(baseVersion)[0];
  const ok = breaking.length === 0 || majorRaised;
  const summary =
    breaking.length === 0
      ? `No breaking changes (${nonBreaking.length} non-breaking).`
      : majorRaised
        ? `${breaking.length} breaking change(s), allowed: the major version was raised (${baseVersion} → ${headVersion}).`
        : `${breaking.length} breaking change(s) without a major version bump (${baseVersion} → ${headVersion}). ` +
          'Make the change compatible, or raise the major version (API_VERSION in contracts/document.ts, and the /api/vN path).';
  return { ok, breaking, nonBreaking, baseVersion, headVersion, summary };
}
