/**
 * The @folio/client package as its users get it: `npm pack` builds it first (its `prepack`), so a
 * tarball is never empty; and client/README.md's list of exports is exactly what src/index.ts exports.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;
const CLIENT = join(ROOT, 'client');

/** Every name src/index.ts exports, values and types, as the compiler sees them. */
function exportedNames(): string[] {
  const entry = join(CLIENT, 'src/index.ts');
  const program = ts.createProgram([entry], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const index = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
  return checker.getExportsOfModule(index).map((symbol) => symbol.name);
}

/** The names in README.md's "Everything it exports": in each item, the `names` before its " — ". */
function documentedNames(): string[] {
  const readme = readFileSync(join(CLIENT, 'README.md'), 'utf8');
  const section = /^### Everything it exports\n([\s\S]*?)(?=^#)/m.exec(readme)?.[1];
  if (!section) throw new Error('client/README.md has no "### Everything it exports" section');
  const items = section.split(/^- /m).slice(1).map((item) => item.replace(/\s+/g, ' '));
  return items.flatMap((item) => [...item.split(' — ')[0]!.matchAll(/`([A-Za-z_$][\w$]*)`/g)].map((m) => m[1]!));
}

describe('client/README.md', () => {
  it('lists every export of the package, and nothing it does not export', () => {
    const exported = exportedNames();
    const documented = documentedNames();
    expect(exported.length).toBeGreaterThan(20);
    expect(documented.filter((name, i) => documented.indexOf(name) !== i), 'listed twice').toEqual([]);
    expect(exported.filter((name) => !documented.includes(name)), 'exported but not in the README').toEqual([]);
    expect(documented.filter((name) => !exported.includes(name)), 'in the README but not exported').toEqual([]);
  });
});

describe('npm pack in client/', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'folio-client-pack-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('builds the package first, so the tarball has its JavaScript and types even with no dist/', { timeout: 120_000 }, () => {
    // A copy without dist/, as in a fresh clone; node_modules lends it TypeScript and openapi-fetch.
    cpSync(CLIENT, scratch, { recursive: true, filter: (source) => !source.startsWith(join(CLIENT, 'dist')) && !source.startsWith(join(CLIENT, 'node_modules')) });
    symlinkSync(join(ROOT, 'node_modules'), join(scratch, 'node_modules'));
    const out = execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: scratch, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const [pack] = JSON.parse(out) as { name: string; files: { path: string }[] }[];
    expect(pack!.name).toBe('@folio/client');
    const files = pack!.files.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(['dist/index.js', 'dist/index.d.ts', 'dist/schema.d.ts', 'README.md', 'package.json']));
    expect(files.filter((f) => f.startsWith('src/')), 'sources stay out of the tarball').toEqual([]);
  });
});
