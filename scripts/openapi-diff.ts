/**
 * `npm run openapi:diff [base] [head]`: compares openapi.json (head) with contracts/openapi.released.json
 * (base, the last release) and fails on a breaking change unless info.version's major part was raised.
 * `npm run release` (scripts/release.ts) writes the changelog from the same diff. `--rules` prints RULES.
 *
 * Why a checker of our own: Optic is not a dependency, and the `redocly diff` of the pinned CLI is
 * experimental and rates changes by its own table (a new enum value in a response is "major" there, while
 * Folio's clients are told to tolerate unknown enum values and error codes: client/README.md). Here the
 * rules are Folio's own, in one table: scripts/openapi-diff/rules.ts.
 *
 * The checker lives in scripts/openapi-diff/: rules.ts (what counts as breaking), resolve.ts (walking a
 * document and its $refs), compare.ts and schema.ts (the diff), verdict.ts (the version check), report.ts
 * (the report and the changelog). This module is the command line, and what release.ts and the tests import.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { RULES } from './openapi-diff/rules.ts';
import { formatReport } from './openapi-diff/report.ts';
import { verdict } from './openapi-diff/verdict.ts';
import { readAccepted } from './openapi-diff/accepted.ts';

export { type Change, type Rule, type Severity, RULES } from './openapi-diff/rules.ts';
export { resolvePointer } from './openapi-diff/resolve.ts';
export { diffDocuments } from './openapi-diff/compare.ts';
export { type Verdict, compareVersions, verdict } from './openapi-diff/verdict.ts';
export { type AcceptedBreak, ACCEPTED_FILE, readAccepted } from './openapi-diff/accepted.ts';
export { changelogSection, formatReport } from './openapi-diff/report.ts';

export const DOCUMENT = new URL('../openapi.json', import.meta.url);
export const BASELINE = new URL('../contracts/openapi.released.json', import.meta.url);

function main(args: string[]) {
  if (args.includes('--rules')) {
    for (const severity of ['breaking', 'non-breaking'] as const) {
      console.log(`${severity}:`);
      for (const [rule, [s, text]] of Object.entries(RULES)) if (s === severity) console.log(`  ${rule.padEnd(34)} ${text}`);
    }
    return 0;
  }
  const [basePath, headPath] = args.filter((a) => !a.startsWith('--'));
  const baseUrl = basePath ? pathToFileURL(basePath) : BASELINE;
  const headUrl = headPath ? pathToFileURL(headPath) : DOCUMENT;
  let base: object;
  try {
    base = JSON.parse(readFileSync(baseUrl, 'utf8'));
  } catch (error) {
    console.error(`Cannot read the released document ${baseUrl.pathname}: ${(error as Error).message}\nRun \`npm run release\` to create it.`);
    return 2;
  }
  const head = JSON.parse(readFileSync(headUrl, 'utf8'));
  // The accepted list belongs to the committed document; comparing other files, nothing is accepted.
  const result = verdict(base, head, undefined, basePath || headPath ? [] : readAccepted());
  console.log(formatReport(result, { base: basePath ?? 'contracts/openapi.released.json', head: headPath ?? 'openapi.json' }));
  return result.ok ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = main(process.argv.slice(2));
