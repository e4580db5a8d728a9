/**
 * scripts/check-node.cjs: on a Node older than package.json's `engines.node`, `npm install` (its
 * `prepare`) and every script that needs that Node stop at once with one line saying what is needed
 * and how to get it — not with `Unknown file extension ".ts"` from deep inside the server. Run for
 * real on the machine's older Node (Debian's /usr/bin/node is 20), and on this Node against a copy
 * of the project whose requirement it cannot meet.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string }; scripts: Record<string, string> };
const check = createRequire(import.meta.url)('../../scripts/check-node.cjs') as {
  problem(version: string, range: string, recommended: string): string | null;
};
const CHECK = 'node scripts/check-node.cjs';
const minimum = /^>=(\d+\.\d+\.\d+)$/.exec(pkg.engines.node)![1]!;

const older = (version: string) => {
  const [a, b] = [version, minimum].map((v) => v.replace(/^v/, '').split('.').map(Number));
  for (let i = 0; i < 3; i++) if (a![i] !== b![i]) return a![i]! < b![i]!;
  return false;
};

describe('the version check', () => {
  it('accepts the minimum and anything newer, refuses anything older, whatever the notation', () => {
    for (const version of [minimum, 'v24.0.0', '22.18.1', '22.19.0', '23.0.0', '100.0.0']) expect(check.problem(version, '>=22.18.0', '24'), version).toBeNull();
    for (const version of ['22.17.9', 'v22.0.0', '20.20.2', '18.20.0', '0.10.48']) expect(check.problem(version, '>=22.18.0', '24'), version).toMatch(/^Folio needs Node >=22\.18\.0/);
  });

  it('says what is needed, what this is, and how to get it, in one line', () => {
    const line = check.problem('v20.20.2', '>=22.18.0', '24')!;
    expect(line).not.toContain('\n');
    expect(line).toContain('Folio needs Node >=22.18.0, and this is Node 20.20.2.');
    expect(line).toContain('`nvm install` (it reads .nvmrc)');
    expect(line).toContain('`npm install --prefix .cache/node24 node@24 && export PATH="$PWD/.cache/node24/node_modules/node/bin:$PATH"`');
  });

  it('refuses to guess at a range it does not read', () => {
    expect(() => check.problem('24.0.0', '^22.18.0 || >=24', '24')).toThrow(/>=X\.Y\.Z/);
  });

  it('is the first step of every script that runs the server, Next.js, vitest or a TypeScript script with node, and of `prepare`', () => {
    const needsNode = Object.entries(pkg.scripts).filter(([, command]) => /\b(next (dev|build)|vitest|node [\w/.-]+\.ts)\b/.test(command));
    expect(needsNode.length).toBeGreaterThan(10);
    for (const [name, command] of needsNode) expect(command.startsWith(`${CHECK} && `), `${name}: ${command}`).toBe(true);
    expect(pkg.scripts.prepare).toBe(CHECK);
  });
});

/** Runs `npm run <script>` (or node) in `cwd` with `node` on PATH being `nodeBin`; returns what it printed. */
function run(command: string, args: string[], cwd: string, nodeBin: string) {
  const PATH = [dirname(nodeBin), ...(process.env.PATH ?? '').split(delimiter)].join(delimiter);
  const started = performance.now();
  const result = spawnSync(command, args, { cwd, env: { ...process.env, PATH, npm_config_update_notifier: 'false' }, encoding: 'utf8', timeout: 60_000 });
  return { ...result, ms: performance.now() - started };
}

const scratch = mkdtempSync(join(tmpdir(), 'folio-check-node-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** This Node, against a copy of the project (package.json, .nvmrc, the check) that asks for a Node from the future. */
function unmeetableCopy(): string {
  const dir = join(scratch, 'copy');
  mkdirSync(join(dir, 'scripts'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ ...pkg, engines: { node: '>=999.0.0' } }, null, 2));
  copyFileSync(join(ROOT, '.nvmrc'), join(dir, '.nvmrc'));
  copyFileSync(join(ROOT, 'scripts/check-node.cjs'), join(dir, 'scripts/check-node.cjs'));
  return dir;
}

/** The machine's own Nodes older than the requirement, outside the PATH this test runs with. */
const oldNodes = ['/usr/bin/node', '/usr/local/bin/node'].flatMap((path) => {
  const version = spawnSync(path, ['--version'], { encoding: 'utf8' }).stdout?.trim();
  return version && older(version) ? [{ node: path, version: version.replace(/^v/, ''), cwd: ROOT, range: pkg.engines.node }] : [];
});
const setups = [...oldNodes, { node: process.execPath, version: process.versions.node, cwd: unmeetableCopy(), range: '>=999.0.0' }];

describe.each(setups)('on Node $version ($node), needing $range', ({ node, version, cwd, range }) => {
  const line = `Folio needs Node ${range}, and this is Node ${version}.`;

  it('the check prints one line to stderr and exits 1', () => {
    const result = run(node, ['scripts/check-node.cjs'], cwd, node);
    expect(result.status, result.stderr).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(line);
  });

  it.each(['start', 'dev', 'test', 'build', 'db:migrate', 'prepare'])('`npm run %s` stops at once with that line, before anything else runs', (script) => {
    const result = run('npm', ['run', '--silent', script], cwd, node);
    expect(result.status, result.stdout + result.stderr).toBe(1);
    expect(result.stderr.trimEnd().split('\n'), result.stderr).toEqual([expect.stringContaining(line)]);
    expect(result.stdout + result.stderr).not.toMatch(/Unknown file extension|ERR_|next|vitest/i);
  });
});
