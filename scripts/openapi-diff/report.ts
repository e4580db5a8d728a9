/** Text for people: the terminal report of `npm run openapi:diff` and the CHANGELOG.md section `npm run release` writes. */
import type { Change } from './rules.ts';
import type { Verdict } from './verdict.ts';

const line = (c: Change) =>
  `  ${c.severity === 'breaking' ? '✖' : '✔'} ${c.rule}  ${c.pointer}${c.document === 'base' ? ' (in the released document)' : ''}\n` +
  `      ${c.message}${c.operations.length ? `  [${c.operations.join(', ')}]` : ''}`;

export function formatReport(v: Verdict, names = { base: 'base', head: 'head' }): string {
  const out = [`${names.base} (${v.baseVersion}) → ${names.head} (${v.headVersion})`, ''];
  out.push(`Breaking changes: ${v.breaking.length}`, ...v.breaking.map(line), '');
  if (v.accepted.length) out.push(`Accepted breaking changes: ${v.accepted.length}`, ...v.accepted.map((c) => `${line(c)}\n      accepted: ${c.reason}`), '');
  out.push(`Non-breaking changes: ${v.nonBreaking.length}`, ...v.nonBreaking.map(line), '');
  out.push(`${v.ok ? '✅' : '❌'} ${v.summary}`);
  return out.join('\n');
}

const bullet = (c: Change) => `- ${c.message}${c.operations.length ? ` (${c.operations.map((o) => `\`${o}\``).join(', ')})` : ''} — \`${c.rule}\` at \`${c.pointer}\``;

/**
 * One CHANGELOG.md section; `changes` undefined means there is no earlier release. `reasons` maps
 * accepted breaking changes (by rule and pointer) to why they shipped without a new major version.
 */
export function changelogSection(
  version: string,
  date: string,
  changes: readonly Change[] | undefined,
  reasons: ReadonlyMap<string, string> = new Map(),
): string {
  const out = [`## ${version} — ${date}`, ''];
  if (!changes) {
    out.push('Initial release.');
  } else if (changes.length === 0) {
    out.push('No contract changes (descriptions or examples only).');
  } else {
    const breaking = changes.filter((c) => c.severity === 'breaking');
    const nonBreaking = changes.filter((c) => c.severity === 'non-breaking');
    if (nonBreaking.length) out.push('### Non-breaking changes', '', ...nonBreaking.map(bullet), '');
    if (breaking.length) {
      out.push('### Breaking changes', '');
      for (const c of breaking) {
        const reason = reasons.get(`${c.rule} ${c.pointer}`);
        out.push(bullet(c) + (reason ? ` — accepted without a new major version: ${reason}` : ''));
      }
      out.push('');
    }
    while (out.at(-1) === '') out.pop();
  }
  return `${out.join('\n')}\n`;
}
