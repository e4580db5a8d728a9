/**
 * Tallies: how many test cases a layer of `npm test` passed, failed and skipped, as its own runner
 * reported them. Runners of our own write `test-results/tally/<layer>.json` with writeTally(); vitest
 * layers leave its JSON report as `<layer>.vitest.json`. scripts/test.ts reads both and sums them.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TALLY_DIR = fileURLToPath(new URL('../../test-results/tally', import.meta.url));

export interface Tally {
  passed: number;
  failed: number;
  skipped: number;
}

export function writeTally(layer: string, tally: Tally): void {
  mkdirSync(TALLY_DIR, { recursive: true });
  writeFileSync(join(TALLY_DIR, `${layer}.json`), JSON.stringify(tally) + '\n');
}

/** The fields of vitest's JSON report (the Jest-compatible summary) that a tally needs. */
interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
}

export function readTally(layer: string): Tally | undefined {
  const own = join(TALLY_DIR, `${layer}.json`);
  if (existsSync(own)) return JSON.parse(readFileSync(own, 'utf8')) as Tally;
  const vitest = join(TALLY_DIR, `${layer}.vitest.json`);
  if (!existsSync(vitest)) return undefined;
  const report = JSON.parse(readFileSync(vitest, 'utf8')) as VitestReport;
  return { passed: report.numPassedTests, failed: report.numFailedTests, skipped: report.numPendingTests + report.numTodoTests };
}
