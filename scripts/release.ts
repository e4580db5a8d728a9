/**
 * `npm run release [-- --date YYYY-MM-DD]`: records openapi.json as the released contract.
 * Copies it to contracts/openapi.released.json (the baseline `npm run openapi:diff` compares against) and
 * prepends a section for its info.version to contracts/CHANGELOG.md, listing the changes found by the same
 * diff (scripts/openapi-diff.ts), or "Initial release." when there is no baseline yet.
 *
 * Refuses to release a stale document, a version that was not raised, a version already in the changelog,
 * and breaking changes without a major version bump.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { buildDocument } from '../contracts/document.ts';
import { ACCEPTED_FILE, BASELINE, DOCUMENT, changelogSection, compareVersions, diffDocuments, formatReport, readAccepted, verdict } from './openapi-diff.ts';

const CHANGELOG = new URL('../contracts/CHANGELOG.md', import.meta.url);
const CHANGELOG_HEADER = `# Folio API changelog

Every released version of the Folio API contract (openapi.json), newest first. \`npm run release\` writes each
section from the same diff that \`npm run openapi:diff\` runs against contracts/openapi.released.json (the last
release). What counts as breaking is the rule table in scripts/openapi-diff.ts (\`node scripts/openapi-diff.ts
--rules\` prints it); each entry names the rule and the JSON Pointer of what changed. Clients must tolerate
unknown fields and enum values: adding them is not a breaking change.
`;

const read = (url: URL) => {
  try {
    return readFileSync(url, 'utf8');
  } catch {
    return undefined;
  }
};

function fail(message: string): never {
  console.error(`release: ${message}`);
  process.exit(1);
}

const args = process.argv.slice(2);
const dateArg = args.includes('--date') ? (args[args.indexOf('--date') + 1] ?? '') : undefined;
if (dateArg !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(dateArg)) fail(`--date wants YYYY-MM-DD, got ${JSON.stringify(dateArg)}`);
const date = dateArg ?? new Date().toISOString().slice(0, 10);

const text = read(DOCUMENT) ?? fail('openapi.json is missing: run `npm run generate`.');
const head = JSON.parse(text);
if (JSON.stringify(buildDocument()) !== JSON.stringify(head)) fail('openapi.json is stale: run `npm run generate` first.');
const version: string = head.info.version;

const released = read(BASELINE);
let changes: ReturnType<typeof diffDocuments> | undefined;
const reasons = new Map<string, string>();
if (released !== undefined) {
  if (released === text) {
    console.log(`Nothing to release: openapi.json is the released ${version}.`);
    process.exit(0);
  }
  const base = JSON.parse(released);
  changes = diffDocuments(base, head);
  const result = verdict(base, head, changes, readAccepted());
  for (const c of result.accepted) reasons.set(`${c.rule} ${c.pointer}`, c.reason);
  console.log(formatReport(result, { base: 'contracts/openapi.released.json', head: 'openapi.json' }));
  if (compareVersions(version, base.info.version) <= 0) {
    fail(`info.version ${version} is not above the released ${base.info.version}: raise API_VERSION in contracts/document.ts.`);
  }
  if (!result.ok) fail(result.summary);
}

const changelog = read(CHANGELOG) ?? CHANGELOG_HEADER;
if (new RegExp(`^## ${version.replace(/\./g, '\\.')} `, 'm').test(changelog)) fail(`contracts/CHANGELOG.md already has a section for ${version}.`);
const section = changelogSection(version, date, changes, reasons);
const firstSection = changelog.search(/^## /m);
const updated = firstSection < 0 ? `${changelog.trimEnd()}\n\n${section}` : `${changelog.slice(0, firstSection)}${section}\n${changelog.slice(firstSection)}`;

writeFileSync(BASELINE, text);
writeFileSync(CHANGELOG, updated);
// Accepted breaks belong to the release that shipped them: the next one starts with none.
writeFileSync(ACCEPTED_FILE, JSON.stringify({ ...JSON.parse(readFileSync(ACCEPTED_FILE, 'utf8')), accepted: [] }, null, 2) + '\n');
console.log(`Released ${version}: contracts/openapi.released.json and contracts/CHANGELOG.md updated.`);
