/**
 * `npm run test:contract`: Schemathesis (pinned below) against the production build on a fresh
 * database, with every check and all four phases, a fixed seed, and zero tolerance: any failure
 * or error fails the run. Afterwards it prints what ran — test cases per phase and the stateful
 * transitions (create → read/update/delete chains) — and fails if the stateful phase walked none.
 *
 *   node scripts/contract-test.ts [--database pglite|postgres] [--max-examples N] [--seed N] [--operation ID …]
 *
 * `--operation` (repeatable) runs only those operations, for working on one. The stateful phase
 * follows links between the operations selected; when no selected operation links to another
 * selected one (receiveInbound links nowhere), it has nothing to walk and is left out.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SCOPES } from '../contracts/shared/auth.ts';
import { EXAMPLE_SOURCE } from '../contracts/inbound/schemas.ts';
import { createToken } from '../contracts/tokens/operations.ts';
import { createUser } from '../contracts/users/operations.ts';
import { finishedScenarios } from './lib/schemathesis-report.ts';
import { writeTally } from './lib/tally.ts';
import { ADMIN, startFolio, type DatabaseKind } from '../tests/support/folio-server.ts';

const SCHEMATHESIS = '4.32.5';
const ROOT = new URL('..', import.meta.url).pathname;
const VENV = join(ROOT, '.venv');
const REPORTS = join(ROOT, 'test-results', 'schemathesis');

const { values } = parseArgs({
  options: {
    database: { type: 'string', default: 'pglite' },
    'max-examples': { type: 'string', default: process.env.CONTRACT_MAX_EXAMPLES ?? '50' },
    seed: { type: 'string', default: '20261121' },
    operation: { type: 'string', multiple: true, default: [] },
  },
});

function pythonVersion(python: string): [number, number] | undefined {
  const run = spawnSync(python, ['-c', 'import sys; print(sys.version_info[0], sys.version_info[1])'], { encoding: 'utf8' });
  if (run.status !== 0) return undefined;
  const [major, minor] = run.stdout.trim().split(' ').map(Number);
  return [major!, minor!];
}

/** The newest Python ≥ 3.10 on the machine (Schemathesis needs 3.10+). */
function choosePython(): string {
  for (const candidate of ['python3.13', 'python3.12', 'python3.11', 'python3.10', 'python3']) {
    const version = pythonVersion(candidate);
    if (version && version[0] === 3 && version[1] >= 10) return candidate;
  }
  throw new Error('Schemathesis needs Python ≥ 3.10 (or use the Docker image, see README).');
}

/** Creates .venv with the pinned Schemathesis unless it is already there. */
function ensureSchemathesis(): string {
  const st = join(VENV, 'bin', 'st');
  const installed = existsSync(st) && spawnSync(st, ['--version'], { encoding: 'utf8' }).stdout.includes(SCHEMATHESIS);
  if (!installed) {
    rmSync(VENV, { recursive: true, force: true });
    const python = choosePython();
    console.log(`Installing schemathesis==${SCHEMATHESIS} into .venv with ${python} …`);
    execFileSync(python, ['-m', 'venv', VENV], { stdio: 'inherit' });
    execFileSync(join(VENV, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', `schemathesis==${SCHEMATHESIS}`], {
      stdio: 'inherit',
    });
  }
  return st;
}

/** Whether some selected operation's responses link to another selected one (what the stateful phase walks). */
function selectionHasLinks(selected: string[]): boolean {
  if (selected.length === 0) return true;
  const document = JSON.parse(readFileSync(join(ROOT, 'openapi.json'), 'utf8')) as {
    paths: Record<string, Record<string, { operationId: string; responses: Record<string, { links?: Record<string, { operationId: string }> }> }>>;
  };
  const ops = Object.values(document.paths).flatMap((item) => Object.values(item)).filter((op) => selected.includes(op.operationId));
  return ops.some((op) => Object.values(op.responses).some((r) => Object.values(r.links ?? {}).some((link) => selected.includes(link.operationId))));
}
const stateful = selectionHasLinks(values.operation);

interface Summary {
  casesByPhase: Map<string, number>;
  transitions: Map<string, number>;
}

/** Reads Schemathesis' NDJSON event stream: how many cases each phase ran, and which stateful links it followed. */
function summarize(ndjsonFile: string): Summary {
  const casesByPhase = new Map<string, number>();
  const transitions = new Map<string, number>();
  for (const event of finishedScenarios(ndjsonFile)) {
    const cases = Object.values(event.recorder?.cases ?? {});
    casesByPhase.set(event.phase, (casesByPhase.get(event.phase) ?? 0) + cases.length);
    for (const c of cases) {
      if (!c.is_transition_applied || !c.transition) continue;
      const [from, , to] = c.transition.id.split(' -> ');
      const key = `${from} → ${to}`;
      transitions.set(key, (transitions.get(key) ?? 0) + 1);
    }
  }
  return { casesByPhase, transitions };
}

const st = ensureSchemathesis();
const python = readFileSync(join(VENV, 'pyvenv.cfg'), 'utf8').match(/version\s*=\s*3\.(\d+)/)?.[1];
// CPython 3.11's parser is not thread-safe under Hypothesis' lambda introspection ("AST constructor
// recursion depth mismatch"), so older interpreters run one worker.
const workers = Number(python) >= 12 ? '2' : '1';

/** Registers an account (409 if it exists is fine) and signs in with the given scopes. */
async function account(baseUrl: string, user: { email: string; username: string; password: string }, scopes?: string[]): Promise<string> {
  const post = (path: string, body: object) =>
    fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  await post('/api/v1/users', { ...user, display_name: user.username });
  const res = await post('/api/v1/tokens', { email: user.email, password: user.password, name: 'schemathesis', scopes });
  if (res.status !== 201) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

/**
 * The accounts of the run: the administrator whose token Schemathesis sends (every scope), the
 * account of the documented examples (so `createToken`'s example signs in for real), and a second
 * account for revocation (see schemathesis.toml).
 */
async function accounts(baseUrl: string) {
  const { email, password } = createToken.request.body.example;
  await account(baseUrl, { email, password, username: createUser.request.body.example.username });
  return {
    FOLIO_TOKEN: await account(baseUrl, ADMIN, [...SCOPES]),
    FOLIO_REVOKER_TOKEN: await account(baseUrl, { email: 'revoker@folio.test', username: 'revoker', password: 'contract revoker password' }),
  };
}

// A followed event stream ends after this long (FOLIO_SSE_MAX_AGE_MS, whose ending a client
// resumes from): Schemathesis reads a stream until it ends, and a quiet one would otherwise cost
// its whole request timeout per test case. A webhook test (`testWebhookEndpoint`) waits for the
// endpoint it calls: the fuzzer's URLs lead nowhere on this machine, so it gives up after 2 s, not 15.
// The inbound source the document's example names exists, so the fuzzer's deliveries reach the
// signature check (it cannot sign: 401) rather than all stopping at 404.
const server = await startFolio(values.database as DatabaseKind, {
  FOLIO_SSE_MAX_AGE_MS: '1000',
  FOLIO_WEBHOOK_TIMEOUT: '2s',
  FOLIO_INBOUND_SOURCES: JSON.stringify({ [EXAMPLE_SOURCE]: { scheme: 'github', secret: 'contract-run secret, never sent' } }),
});
rmSync(REPORTS, { recursive: true, force: true });
mkdirSync(REPORTS, { recursive: true });
let status = 1;
try {
  console.log(`Schemathesis ${SCHEMATHESIS} → ${server.baseUrl} (${values.database}), ${workers} worker(s)`);
  const run = spawnSync(
    st,
    [
      'run', join(ROOT, 'openapi.json'),
      '--url', server.baseUrl,
      '--checks', 'all',
      '--phases', stateful ? 'examples,coverage,fuzzing,stateful' : 'examples,coverage,fuzzing',
      '--max-examples', values['max-examples'],
      '--seed', values.seed,
      '--workers', workers,
      '--generation-database', 'none',
      '--report', 'junit,ndjson',
      '--report-dir', REPORTS,
      ...values.operation.flatMap((id) => ['--include-operation-id', id]),
    ],
    { stdio: 'inherit', cwd: ROOT, env: { ...process.env, ...(await accounts(server.baseUrl)) } },
  );
  status = run.status ?? 1;
  const ndjson = readdirSync(REPORTS).find((f) => f.endsWith('.ndjson'));
  const junit = readdirSync(REPORTS).find((f) => f.endsWith('.xml'));
  if (ndjson && junit) {
    const { casesByPhase, transitions } = summarize(join(REPORTS, ndjson));
    // Cases come from the NDJSON events; failures (failed checks, errors) from the JUnit report's totals.
    const totals = /<testsuites[^>]*\berrors="(\d+)"[^>]*\bfailures="(\d+)"/.exec(readFileSync(join(REPORTS, junit), 'utf8'));
    const failed = totals ? Number(totals[1]) + Number(totals[2]) : 1;
    const cases = [...casesByPhase.values()].reduce((a, b) => a + b, 0);
    writeTally('contract', { passed: Math.max(0, cases - failed), failed, skipped: 0 });
    console.log('\nTest cases per phase:');
    for (const [phase, count] of casesByPhase) console.log(`  ${phase.padEnd(10)} ${count}`);
    console.log('Stateful transitions followed:');
    for (const [link, count] of [...transitions].sort()) console.log(`  ${link}: ${count}`);
    if (stateful && transitions.size === 0) {
      console.error('The stateful phase followed no links: a pass would prove nothing.');
      status = status || 1;
    }
  }
} finally {
  await server.stop();
}
process.exit(status);
