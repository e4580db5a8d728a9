/**
 * `npm run new:resource` keeps working as the project changes: in a copy of the repository, the
 * skeleton it writes compiles, lints, and joins the document with every operation and problem.
 * (That it passes every suite over HTTP is how it was built; this guards against the lists it
 * edits changing shape under it.)
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeResource } from '../../scripts/new-resource.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const copy = mkdtempSync(join(tmpdir(), 'folio-new-resource-'));

afterAll(() => rmSync(copy, { recursive: true, force: true }));

describe('npm run new:resource', () => {
  it('writes a resource that compiles, lints and is in the document', () => {
    const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
    for (const file of tracked) {
      mkdirSync(dirname(join(copy, file)), { recursive: true });
      cpSync(join(ROOT, file), join(copy, file));
    }
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
    const written = writeResource(copy, { plural: 'bookmarks', singular: 'bookmark', prefix: 'bmk' });
    expect(written).toContain('contracts/bookmarks/operations.ts');

    const run = (command: string, args: string[]) => execFileSync(command, args, { cwd: copy, encoding: 'utf8', stdio: 'pipe' });
    run(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/generate.ts']);
    run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '--incremental', 'false']);
    run(process.execPath, [join(ROOT, 'node_modules/eslint/bin/eslint.js'), '--max-warnings', '0', 'contracts/bookmarks', 'server/bookmarks', 'app/api/v1/bookmarks', 'tests/integration/bookmarks.test.ts']);

    const document = JSON.parse(readFileSync(join(copy, 'openapi.json'), 'utf8')) as { paths: Record<string, Record<string, { operationId: string }>>; components: { schemas: Record<string, unknown> } };
    const ids = Object.values(document.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
    expect(ids).toEqual(expect.arrayContaining(['listBookmarks', 'createBookmark', 'getBookmark', 'updateBookmark', 'deleteBookmark']));
    expect(document.components.schemas.BookmarkNotFoundProblem).toBeDefined();
  }, 180_000);
});
