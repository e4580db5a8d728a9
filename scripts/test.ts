/**
 * `npm test`: the whole suite, one layer after another, ending with one plain line that sums every
 * layer's own report — `N passed, N failed` (and `, N skipped` when any were) — for people and CI.
 *
 * Each layer that runs test cases writes a tally (`test-results/tally/<layer>.json`, see
 * scripts/lib/tally.ts): vitest layers through its JSON reporter, the contract run from Schemathesis'
 * reports, the SDK smoke test from its steps. A check without cases (typecheck, lint, drift, …) counts
 * as one test: its exit code is its report. A layer that fails without a tally counts as one failure,
 * and so does a layer that could not run because one it needs (the build) failed. Every independent
 * layer still runs after a failure, so one run shows everything that is wrong.
 *
 *   node scripts/test.ts [--only unit,integration]   (names as in LAYERS below)
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { readTally, TALLY_DIR, type Tally } from './lib/tally.ts';

interface Layer {
  name: string;
  /** The npm script that runs it. */
  script: string;
  /** Extra arguments for the script (vitest layers: where to write the JSON report). */
  args?: string[];
  /** Layers that must have passed for this one to mean anything. */
  needs?: string[];
  /** Whether the layer writes a tally of its own cases (else it counts as one check). */
  tallied?: boolean;
}

const vitestJson = (layer: string) => ['--', '--reporter=default', '--reporter=json', `--outputFile.json=${TALLY_DIR}/${layer}.vitest.json`];

const LAYERS: Layer[] = [
  { name: 'client-build', script: 'client:build' },
  { name: 'typecheck', script: 'typecheck' },
  { name: 'lint', script: 'lint' },
  { name: 'openapi-check', script: 'openapi:check' },
  { name: 'openapi-lint', script: 'openapi:lint' },
  { name: 'openapi-diff', script: 'openapi:diff' },
  { name: 'unit', script: 'test:unit', args: vitestJson('unit'), needs: ['client-build'], tallied: true },
  { name: 'build', script: 'build' },
  { name: 'integration', script: 'test:integration', args: vitestJson('integration'), needs: ['build', 'client-build'], tallied: true },
  { name: 'contract', script: 'test:contract', needs: ['build'], tallied: true },
  { name: 'coverage', script: 'test:coverage', needs: ['integration', 'contract'] },
  { name: 'sdk', script: 'test:sdk', needs: ['build'], tallied: true },
  { name: 'browser', script: 'test:browser', args: vitestJson('browser'), needs: ['build'], tallied: true },
];

const { values } = parseArgs({ options: { only: { type: 'string' } } });
const only = values.only ? new Set(values.only.split(',')) : undefined;

rmSync(TALLY_DIR, { recursive: true, force: true });
mkdirSync(TALLY_DIR, { recursive: true });

const outcome = new Map<string, boolean>();
const rows: (Tally & { layer: string; seconds: number; note?: string })[] = [];
const started = Date.now();

for (const layer of LAYERS) {
  if (only && !only.has(layer.name)) continue;
  const missing = (layer.needs ?? []).filter((need) => outcome.get(need) === false);
  if (missing.length > 0) {
    outcome.set(layer.name, false);
    rows.push({ layer: layer.name, passed: 0, failed: 1, skipped: 0, seconds: 0, note: `not run: ${missing.join(', ')} failed` });
    continue;
  }
  console.log(`\n=== ${layer.name}: npm run ${layer.script} ${(layer.args ?? []).join(' ')}`);
  const from = Date.now();
  const run = spawnSync('npm', ['run', '--silent', layer.script, ...(layer.args ?? [])], { stdio: 'inherit' });
  const ok = run.status === 0;
  const seconds = Math.round((Date.now() - from) / 100) / 10;
  const tally = layer.tallied ? readTally(layer.name) : undefined;
  if (tally) {
    // A runner that failed while its report shows no failure (a crash after the cases, a hook) is one failure more.
    const failed = tally.failed + (!ok && tally.failed === 0 ? 1 : 0);
    rows.push({ layer: layer.name, ...tally, failed, seconds, ...(failed > tally.failed && { note: `exit ${run.status}` }) });
  } else {
    rows.push({ layer: layer.name, passed: ok ? 1 : 0, failed: ok ? 0 : 1, skipped: 0, seconds, ...(layer.tallied && { note: 'no report' }) });
  }
  outcome.set(layer.name, ok);
}

const total = rows.reduce((sum, row) => ({ passed: sum.passed + row.passed, failed: sum.failed + row.failed, skipped: sum.skipped + row.skipped }), {
  passed: 0,
  failed: 0,
  skipped: 0,
});

console.log(`\nLayer            passed  failed  skipped  seconds`);
for (const row of rows) {
  console.log(
    `${row.layer.padEnd(16)} ${String(row.passed).padStart(6)}  ${String(row.failed).padStart(6)}  ${String(row.skipped).padStart(7)}  ${String(row.seconds).padStart(7)}${row.note ? `  (${row.note})` : ''}`,
  );
}
console.log(`whole suite in ${Math.round((Date.now() - started) / 1000)} s\n`);
console.log(`${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
process.exitCode = total.failed > 0 ? 1 : 0;
