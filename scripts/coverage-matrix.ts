/**
 * `npm run test:coverage`: which declared responses were ever seen. For every operation of the
 * committed openapi.json and every status it declares, whether the test servers answered it
 * (their request logs, kept under test-results/server-logs/ by tests/support/folio-server.ts)
 * and whether Schemathesis saw it (its NDJSON report under test-results/schemathesis/). Fails
 * when a declared status was observed by neither, unless scripts/coverage-exceptions.ts lists
 * it with a reason; also reports statuses observed but not declared.
 *
 *   node scripts/coverage-matrix.ts [--all-runs] [--run ID] [--logs DIR] [--schemathesis DIR]
 *
 * Only servers started under vitest count (not those of the contract, bench or SDK scripts). By
 * default, for each suite (the vitest command: integration, browser …) only its latest run counts —
 * servers started by one invocation share a run id — so a status a test no longer provokes cannot
 * hide behind an old log. `--run ID` (repeatable) picks runs; `--all-runs` takes every kept log.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { COVERAGE_EXCEPTIONS } from './coverage-exceptions.ts';
import { finishedScenarios } from './lib/schemathesis-report.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const { values } = parseArgs({
  options: {
    'all-runs': { type: 'boolean', default: false },
    run: { type: 'string', multiple: true },
    logs: { type: 'string', default: join(ROOT, 'test-results', 'server-logs') },
    schemathesis: { type: 'string', default: join(ROOT, 'test-results', 'schemathesis') },
  },
});

// ─── The document ────────────────────────────────────────────────────────────────────────────

interface DeclaredOperation {
  id: string;
  method: string;
  path: string;
  statuses: number[];
}

const document = JSON.parse(readFileSync(join(ROOT, 'openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>>;
};
const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
const declared: DeclaredOperation[] = Object.entries(document.paths).flatMap(([path, item]) =>
  Object.entries(item)
    .filter(([method]) => METHODS.has(method))
    .map(([method, op]) => ({
      id: op.operationId,
      method: method.toUpperCase(),
      path,
      statuses: Object.keys(op.responses)
        .map(Number)
        .filter(Number.isInteger)
        .sort((a, b) => a - b),
    })),
);
const byRoute = new Map(declared.map((op) => [`${op.method} ${op.path}`, op]));
const byId = new Map(declared.map((op) => [op.id, op]));

type Observed = Map<string, Set<number>>;
const observe = (into: Observed, operation: string, status: number) => {
  if (!into.has(operation)) into.set(operation, new Set());
  into.get(operation)!.add(status);
};

// ─── The test servers' logs ──────────────────────────────────────────────────────────────────

interface Marker {
  file: string;
  run: string;
  source: string;
  /** The command that started the run; absent in markers written before it was recorded. */
  suite?: string;
  stopped_at: string;
}

function markers(dir: string): Marker[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => ({ ...(JSON.parse(readFileSync(join(dir, f), 'utf8')) as Omit<Marker, 'file'>), file: join(dir, f.replace(/\.json$/, '.log')) }))
    .filter((m) => existsSync(m.file));
}

/** The logs that count: those of vitest runs; by default the latest run of each suite. */
function testLogs(): { logs: Marker[]; runs: string[] } {
  const all = markers(values.logs)
    .filter((m) => m.source === 'vitest')
    .sort((a, b) => a.stopped_at.localeCompare(b.stopped_at));
  let runs: string[];
  if (values['all-runs']) runs = [...new Set(all.map((m) => m.run))];
  else if (values.run) runs = values.run;
  else runs = [...new Set([...new Map(all.map((m) => [m.suite ?? 'vitest', m.run])).values()])];
  return { logs: all.filter((m) => runs.includes(m.run)), runs };
}

function readServerLogs(logs: Marker[]): { observed: Observed; requests: number } {
  const observed: Observed = new Map();
  let requests = 0;
  for (const { file } of logs) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line.startsWith('{')) continue;
      let entry: { operation?: unknown; status?: unknown };
      try {
        entry = JSON.parse(line);
      } catch {
        continue;
      }
      if (typeof entry.operation === 'string' && typeof entry.status === 'number') {
        observe(observed, entry.operation, entry.status);
        requests += 1;
      }
    }
  }
  return { observed, requests };
}

// ─── Schemathesis ────────────────────────────────────────────────────────────────────────────

function readSchemathesis(dir: string): { observed: Observed; requests: number; outside: number; files: string[] } {
  const observed: Observed = new Map();
  let requests = 0;
  let outside = 0;
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.ndjson')) : [];
  for (const file of files) {
    for (const { recorder } of finishedScenarios(join(dir, file))) {
      for (const [id, { value }] of Object.entries(recorder?.cases ?? {})) {
        const status = recorder?.interactions?.[id]?.response?.status_code;
        if (status === undefined) continue;
        const op = byRoute.get(`${value.method.toUpperCase()} ${value.path}`);
        // Probes of undocumented methods (405 + Allow, OPTIONS) belong to no operation.
        if (!op) {
          outside += 1;
          continue;
        }
        observe(observed, op.id, status);
        requests += 1;
      }
    }
  }
  return { observed, requests, outside, files };
}

// ─── The matrix ──────────────────────────────────────────────────────────────────────────────

const { logs, runs } = testLogs();
const tests = readServerLogs(logs);
const contract = readSchemathesis(values.schemathesis);

const problems: string[] = [];
const exceptionFor = new Map<string, string>();
for (const exception of COVERAGE_EXCEPTIONS) {
  const ids = exception.operations === '*' ? declared.filter((op) => op.statuses.includes(exception.status)).map((op) => op.id) : exception.operations;
  if (ids.length === 0) problems.push(`coverage-exceptions.ts: no operation declares ${exception.status}`);
  for (const id of ids) {
    const op = byId.get(id);
    if (!op) problems.push(`coverage-exceptions.ts: unknown operation ${id}`);
    else if (!op.statuses.includes(exception.status)) problems.push(`coverage-exceptions.ts: ${id} does not declare ${exception.status}`);
    else exceptionFor.set(`${id} ${exception.status}`, exception.reason);
  }
}

const columns = [...new Set(declared.flatMap((op) => op.statuses))].sort((a, b) => a - b);
const totals = { declared: 0, tests: 0, contract: 0, either: 0, excepted: 0, missing: 0 };
const missing: string[] = [];
const unneeded: string[] = [];
const undeclared: string[] = [];
const width = Math.max(...declared.map((op) => op.id.length));
const rows: string[] = [];

for (const op of declared) {
  const cells = columns.map((status) => {
    if (!op.statuses.includes(status)) return '  ·';
    const t = tests.observed.get(op.id)?.has(status) ?? false;
    const c = contract.observed.get(op.id)?.has(status) ?? false;
    const key = `${op.id} ${status}`;
    totals.declared += 1;
    if (t) totals.tests += 1;
    if (c) totals.contract += 1;
    if (t || c) {
      totals.either += 1;
      if (exceptionFor.has(key)) unneeded.push(`${key} (observed by ${t && c ? 'both' : t ? 'tests' : 'contract'})`);
      return t && c ? '  B' : t ? '  T' : '  C';
    }
    if (exceptionFor.has(key)) {
      totals.excepted += 1;
      return '  x';
    }
    totals.missing += 1;
    missing.push(key);
    return '  !';
  });
  rows.push(`${op.id.padEnd(width)} ${cells.join('')}`);
  for (const [source, observed] of [['tests', tests.observed], ['contract', contract.observed]] as const) {
    for (const status of observed.get(op.id) ?? []) if (!op.statuses.includes(status)) undeclared.push(`${op.id} ${status} (${source})`);
  }
}
for (const operation of new Set([...tests.observed.keys(), ...contract.observed.keys()])) {
  if (!byId.has(operation)) undeclared.push(`${operation}: not an operation of openapi.json`);
}

console.log(`Declared responses observed — T: by the test servers, C: by Schemathesis, B: both, x: excepted, !: never observed, ·: not declared`);
console.log(
  `Tests: ${runs.length === 1 ? `run ${runs[0]}` : `${runs.length} runs (${runs.join(', ')})`}, ${logs.length} server log(s), ${tests.requests} requests. ` +
    `Contract: ${contract.files.length} NDJSON report(s), ${contract.requests} requests (${contract.outside} probes outside the document).`,
);
console.log('');
console.log(`${''.padEnd(width)} ${columns.map((s) => String(s).padStart(4)).join('').slice(1)}`);
for (const row of rows) console.log(row);
console.log('');
console.log(
  `Totals: declared ${totals.declared}, observed by tests ${totals.tests}, by contract ${totals.contract}, by either ${totals.either}, ` +
    `excepted ${totals.excepted}, missing ${totals.missing}`,
);

if (logs.length === 0) problems.push(`no test server logs under ${values.logs}: run the integration suite first`);
if (contract.files.length === 0) problems.push(`no Schemathesis NDJSON under ${values.schemathesis}: run \`npm run test:contract\` first`);
if (unneeded.length > 0) console.log(`\nExceptions no longer needed (delete them from scripts/coverage-exceptions.ts):\n  ${unneeded.join('\n  ')}`);
if (undeclared.length > 0) console.log(`\nObserved but NOT declared (the document does not describe these answers):\n  ${undeclared.join('\n  ')}`);
if (missing.length > 0) problems.push(`declared but never observed, and not excepted:\n  ${missing.join('\n  ')}`);
if (problems.length > 0) {
  console.error(`\n${problems.join('\n')}`);
  process.exit(1);
}
