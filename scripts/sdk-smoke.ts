/**
 * `npm run test:sdk`: proves the committed openapi.json serves SDK generation for another language.
 * It generates a Python client with openapi-python-client (pinned below) from the committed file,
 * fails on any warning the generator prints about the document, installs the generated package
 * into .venv-sdk, and runs scripts/sdk-smoke/smoke.py — which talks to the production build on a
 * fresh PGlite database through that package alone: register, sign in, create, read, page, update,
 * delete, list the events, and the documented problems for a deleted post, a missing token and an
 * invalid query; then it feeds the package what a newer server may send (see smoke.py).
 *
 * The generator runs with this project's templates (scripts/sdk-smoke/templates): they make the
 * package tolerate problem codes, enum values and event types added after it was generated — the
 * document promises the lists will grow. Event streams (text/event-stream operations: streamEvents)
 * are left out of the package: openapi-python-client reads a text body whole, so a call would wait
 * for a followed stream's end that never comes; a Python client reads them with an SSE library.
 * Then it uploads a real PNG, reads its metadata, and downloads it whole and by range.
 * Then the official Python Standard Webhooks library verifies Folio's webhook signatures
 * (scripts/sdk-smoke/webhook-interop.ts).
 *
 *   node scripts/sdk-smoke.ts          (needs `npm run build` and Python ≥ 3.11)
 *
 * A generator warning is a finding about the document, not noise to filter: fix the contracts.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFolio } from '../tests/support/folio-server.ts';
import { TALLY_DIR } from './lib/tally.ts';
import { webhookInterop } from './sdk-smoke/webhook-interop.ts';

const GENERATOR = '0.29.1';
const ROOT = new URL('..', import.meta.url).pathname;
const VENV = join(ROOT, '.venv-sdk');
const BIN = join(VENV, 'bin');
const DOCUMENT = join(ROOT, 'openapi.json');
const TEMPLATES = join(ROOT, 'scripts/sdk-smoke/templates');
const PACKAGE = 'folio_api_client';
// The venv's bin first: the generator formats its output with the ruff it installs there.
const env = { ...process.env, PATH: `${BIN}:${process.env.PATH}`, PYTHONDONTWRITEBYTECODE: '1' };

const started = Date.now();
const seconds = (from: number) => `${((Date.now() - from) / 1000).toFixed(1)} s`;

function run(command: string, args: string[], options: { cwd?: string } = {}): SpawnSyncReturns<string> {
  return spawnSync(command, args, { encoding: 'utf8', env, cwd: options.cwd ?? ROOT });
}

/** Runs a setup command quietly; its whole output is shown only if it fails. */
function setup(command: string, args: string[]) {
  const result = run(command, args);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
}

/** The newest Python ≥ 3.11 on the machine (openapi-python-client 0.29 and the code it generates need 3.11). */
function choosePython(): string {
  for (const candidate of ['python3.13', 'python3.12', 'python3.11', 'python3']) {
    const probe = run(candidate, ['-c', 'import sys; print(sys.version_info >= (3, 11))']);
    if (probe.status === 0 && probe.stdout.trim() === 'True') return candidate;
  }
  throw new Error('The SDK smoke test needs Python ≥ 3.11.');
}

/** Creates .venv-sdk with the pinned generator unless it is already there. */
function ensureGenerator(): string {
  const generator = join(BIN, 'openapi-python-client');
  if (existsSync(generator) && run(generator, ['--version']).stdout.includes(GENERATOR)) return generator;
  rmSync(VENV, { recursive: true, force: true });
  const python = choosePython();
  console.log(`Installing openapi-python-client==${GENERATOR} into .venv-sdk with ${python} …`);
  setup(python, ['-m', 'venv', VENV]);
  setup(join(BIN, 'pip'), ['install', '--quiet', '--disable-pip-version-check', `openapi-python-client==${GENERATOR}`]);
  return generator;
}

/**
 * The generator reads bytes (`format: binary`) only as `application/octet-stream`; the document's
 * downloads are declared per media type (image/png, application/pdf …), so each is read as that.
 */
function binaryOverrides(): Record<string, string> {
  type Content = Record<string, { schema?: { format?: string } }>;
  const document = JSON.parse(readFileSync(DOCUMENT, 'utf8')) as { paths: Record<string, Record<string, { responses: Record<string, { content?: Content }> }>> };
  const overrides: Record<string, string> = {};
  for (const item of Object.values(document.paths)) {
    for (const op of Object.values(item)) {
      for (const response of Object.values(op.responses)) {
        for (const [type, media] of Object.entries(response.content ?? {})) {
          if (media.schema?.format === 'binary' && type !== 'application/octet-stream') overrides[type] = 'application/octet-stream';
        }
      }
    }
  }
  return overrides;
}

/** snake_case module name the generator gives an operationId: listPosts → list_posts. */
const moduleOf = (operationId: string) => operationId.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

interface Operation {
  operationId: string;
  tags: string[];
  responses: Record<string, { content?: Record<string, unknown> }>;
}
type Document = { paths: Record<string, Record<string, Operation>> };

/** The document less its event-stream operations (see the top of this file); the rest is untouched. */
function withoutStreams(document: Document): Document {
  const isStream = (op: Operation) => Object.values(op.responses).some((response) => 'text/event-stream' in (response.content ?? {}));
  const paths = Object.entries(document.paths)
    .map(([path, item]) => [path, Object.fromEntries(Object.entries(item).filter(([, op]) => !isStream(op)))] as const)
    .filter(([, item]) => Object.keys(item).length > 0);
  return { ...document, paths: Object.fromEntries(paths) };
}

/**
 * Generates the client into `dir` from the document less its streams (written to `scratch`);
 * returns the problems: every line of output beyond "Generating …" (warnings, skipped endpoints,
 * hook failures), a non-zero exit, and operations with no module.
 */
function generate(generator: string, dir: string, scratch: string): string[] {
  const document = withoutStreams(JSON.parse(readFileSync(DOCUMENT, 'utf8')) as Document);
  const source = join(scratch, 'openapi.json');
  writeFileSync(source, JSON.stringify(document));
  const config = join(scratch, 'generator-config.json');
  writeFileSync(config, JSON.stringify({ content_type_overrides: binaryOverrides() }, null, 2));
  const result = run(generator, ['generate', '--path', source, '--output-path', dir, '--meta', 'setup', '--custom-template-path', TEMPLATES, '--config', config], { cwd: tmpdir() });
  const output = `${result.stdout}${result.stderr}`.trim();
  console.log(output.replace(/^/gm, '  | '));
  const problems = output
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('Generating '));
  if (result.status !== 0) problems.unshift(`the generator exited with ${result.status}`);
  for (const item of Object.values(document.paths)) {
    for (const op of Object.values(item)) {
      const file = join(dir, PACKAGE, 'api', op.tags[0]!.toLowerCase().replace(/\W+/g, '_'), `${moduleOf(op.operationId)}.py`);
      if (!existsSync(file)) problems.push(`no module for ${op.operationId} (expected ${file})`);
    }
  }
  return problems;
}

const generator = ensureGenerator();
const scratch = mkdtempSync(join(tmpdir(), 'folio-python-sdk-'));
const packageDir = join(scratch, 'folio-api-client');
try {
  let phase = Date.now();
  console.log(`openapi-python-client ${GENERATOR}: generating from openapi.json (less its event streams) with scripts/sdk-smoke/templates into ${packageDir}`);
  const problems = generate(generator, packageDir, scratch);
  if (problems.length > 0) {
    console.error(`\nThe generator cannot take the document as it is (${problems.length} problem(s)):`);
    for (const problem of problems) console.error(`  - ${problem}`);
    console.error('Fix the document (the contracts), not this check.');
    process.exitCode = 1;
  } else {
    console.log(`generated without warnings (${seconds(phase)})`);
    phase = Date.now();
    setup(join(BIN, 'pip'), ['install', '--quiet', '--disable-pip-version-check', packageDir]);
    console.log(`installed folio-api-client into .venv-sdk (${seconds(phase)})`);

    phase = Date.now();
    mkdirSync(TALLY_DIR, { recursive: true });
    const server = await startFolio('pglite');
    console.log(`production build up at ${server.baseUrl} (${seconds(phase)})\n`);
    try {
      phase = Date.now();
      const smoke = spawnSync(join(BIN, 'python'), [join(ROOT, 'scripts/sdk-smoke/smoke.py'), '--base-url', server.baseUrl, '--tally', join(TALLY_DIR, 'sdk.json')], {
        stdio: 'inherit',
        env,
        cwd: scratch, // not the repository: `import folio_api_client` must find the installed package
      });
      process.exitCode = smoke.status ?? 1;
      // Folio's webhook signatures, verified by the official Python library too (its cases join the tally).
      if ((await webhookInterop(BIN, join(TALLY_DIR, 'sdk.json'), env)) !== 0) process.exitCode = 1;
      console.log(`\nsmoke ran in ${seconds(phase)}`);
      if (process.exitCode !== 0) console.error(`server log: ${server.logFile} (kept with FOLIO_KEEP_TEST_FILES=1)`);
    } finally {
      await server.stop();
    }
  }
} finally {
  if (!process.env.FOLIO_KEEP_TEST_FILES) rmSync(scratch, { recursive: true, force: true });
  console.log(`test:sdk ${process.exitCode ? 'FAILED' : 'passed'} in ${seconds(started)}`);
}
