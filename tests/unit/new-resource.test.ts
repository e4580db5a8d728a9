/**
 * `npm run new:resource` keeps working as the project changes: in a copy of the repository, the
 * skeleton it writes compiles, lints, and joins the document with every operation and problem.
 * (That it passes every suite over HTTP is how it was built; this guards against the lists it
 * edits changing shape under it.)
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { namesProblem, singularOf, writeResource } from '../../scripts/new-resource.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const copy = mkdtempSync(join(tmpdir(), 'folio-new-resource-'));

afterAll(() => rmSync(copy, { recursive: true, force: true }));

/**
 * A name no one gives a real resource: CONTRIBUTING's own example (`bookmarks`), once added and
 * committed, would make the scaffold refuse to write it again here.
 */
const PLURAL = 'scaffoldprobes';
const PASCAL = 'Scaffoldprobe';

describe('npm run new:resource', () => {
  it('writes a resource that compiles, lints and is in the document', () => {
    // The working tree as it is — a resource just scaffolded and not yet committed included
    // (CONTRIBUTING runs `npm test` before the commit) — less what git ignores.
    const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
    for (const file of new Set(files)) {
      if (!existsSync(join(ROOT, file))) continue; // deleted, not yet committed
      mkdirSync(dirname(join(copy, file)), { recursive: true });
      cpSync(join(ROOT, file), join(copy, file));
    }
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
    const written = writeResource(copy, { plural: PLURAL, singular: 'scaffoldprobe', prefix: 'scp' });
    expect(written).toContain(`contracts/${PLURAL}/operations.ts`);

    const run = (command: string, args: string[]) => execFileSync(command, args, { cwd: copy, encoding: 'utf8', stdio: 'pipe' });
    run(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/generate.ts']);
    run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '--incremental', 'false']);
    run(process.execPath, [join(ROOT, 'node_modules/eslint/bin/eslint.js'), '--max-warnings', '0', `contracts/${PLURAL}`, `server/${PLURAL}`, `app/api/v1/${PLURAL}`, `tests/integration/${PLURAL}.test.ts`]);

    // Its migration runs, after every other: on a new embedded database, in memory.
    const migrated = execFileSync(process.execPath, ['scripts/migrate.ts'], {
      cwd: copy,
      encoding: 'utf8',
      stdio: 'pipe',
      env: { ...process.env, DATABASE_URL: '', FOLIO_PGLITE_DIR: 'memory://', LOG_LEVEL: 'info' },
    });
    expect(migrated).toMatch(new RegExp(`-${PLURAL}\\b`));

    const document = JSON.parse(readFileSync(join(copy, 'openapi.json'), 'utf8')) as { paths: Record<string, Record<string, { operationId: string }>>; components: { schemas: Record<string, unknown> } };
    const ids = Object.values(document.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
    expect(ids).toEqual(expect.arrayContaining([`list${PASCAL}s`, `create${PASCAL}`, `get${PASCAL}`, `update${PASCAL}`, `delete${PASCAL}`]));
    expect(document.components.schemas[`${PASCAL}NotFoundProblem`]).toBeDefined();
  }, 180_000);
});

describe('new:resource names', () => {
  it('derives the singular most English plurals have', () => {
    expect(['bookmarks', 'categories', 'boxes', 'addresses', 'reading_lists', 'keys', 'movies'].map(singularOf)).toEqual([
      'bookmark',
      'category',
      'box',
      'address',
      'reading_list',
      'key',
      'movy', // not every plural: --singular movie
    ]);
  });

  it('refuses names that would write code that does not compile or a migration that does not run, saying what to give', () => {
    const problem = (plural: string, singular = singularOf(plural), prefix = singular.replace(/_/g, '').slice(0, 8)) => namesProblem({ plural, singular, prefix });
    expect(problem('bookmarks')).toBeUndefined();
    expect(problem('reading_lists')).toBeUndefined();
    expect(problem('references')).toBeUndefined(); // a reserved word of SQL: the migration quotes it
    expect(problem('reading-lists')).toMatch(/join words with _ \(reading_lists\)/);
    expect(problem('Bookmarks')).toMatch(/lowercase/);
    expect(problem('category')).toMatch(/ending in s/);
    expect(problem('item__s')).toMatch(/lowercase words joined by _/);
    expect(problem('categories', 'category-item')).toMatch(/--singular/);
    expect(problem('categories', 'category', 'c.t')).toMatch(/--prefix/);
    expect(problem('sheep', 'sheep')).toMatch(/ending in s|is the plural/);
  });
});
