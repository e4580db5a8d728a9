import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { operations } from '../../contracts/index.ts';
import { mountedOperations } from '../../server/http/route.ts';
import type { RouteHandler } from '../../server/http/types.ts';

const APP = new URL('../../app', import.meta.url).pathname;
// Routes outside the versioned API, each with the reason it is not a contract.
const NOT_CONTRACTS: Record<string, string> = {
  '/api/openapi.json': 'serves the document itself',
  '/api/docs': 'serves the interactive reference for the document',
  '/api/docs/scalar.js': 'serves the reference’s script bundle, so the page needs no CDN',
  '/api/[...path]': 'answers unknown /api paths with a 404 problem',
  '/api/bench/posts/[postId]': 'the bare route `npm run bench` compares getPost with; a 404 unless the bench starts the server',
};
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

const routeFiles = readdirSync(APP, { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith(`${sep}route.ts`) || file === 'route.ts')
  .map((file) => join(APP, file));

/** app/api/v1/posts/[postId]/route.ts → /api/v1/posts/[postId] (the keys of NOT_CONTRACTS) */
const folderOf = (file: string) => `/${relative(APP, file).split(sep).slice(0, -1).join('/')}`;

/** app/api/v1/posts/[postId]/route.ts → /api/v1/posts/{postId} */
function templateOf(file: string): string {
  const folder = relative(APP, file).split(sep).slice(0, -1);
  return `/${folder.map((segment) => segment.replace(/^\[(\w+)\]$/, '{$1}')).join('/')}`;
}

describe('route files and contracts', () => {
  it('serve exactly the (path, method) pairs the contracts declare, both ways', async () => {
    const served: string[] = [];
    for (const file of routeFiles) {
      const template = templateOf(file);
      if (folderOf(file) in NOT_CONTRACTS) continue;
      const mod = (await import(file)) as Record<string, RouteHandler>;
      const mounted = mountedOperations(mod.OPTIONS!);
      expect(mounted.length, `${file} mounts no contract`).toBeGreaterThan(0);
      for (const op of mounted) {
        expect(op.path, `${op.operationId} is mounted at ${template}`).toBe(template);
        served.push(`${op.method.toUpperCase()} ${op.path}`);
      }
      for (const method of METHODS) expect(typeof mod[method], `${file} must answer ${method}`).toBe('function');
    }
    const declared = operations.map((op) => `${op.method.toUpperCase()} ${op.path}`);
    expect(served.sort()).toEqual([...declared].sort());
  });

  it('keeps the non-contract routes out of the versioned API', () => {
    const templates = routeFiles.map(folderOf);
    for (const path of Object.keys(NOT_CONTRACTS)) expect(templates).toContain(path);
    for (const template of templates) {
      if (template in NOT_CONTRACTS) expect(template.startsWith('/api/v1')).toBe(false);
    }
  });

  it('serves the bench’s bare route only to a server the bench started', async () => {
    const mod = (await import(join(APP, 'api/bench/posts/[postId]/route.ts'))) as Record<string, RouteHandler>;
    const res = await mod.GET!(new Request('http://folio.test/api/bench/posts/post_x'), { params: Promise.resolve({ postId: 'post_x' }) });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 'not_found' });
  });

  it('keeps every route file a thin binding', () => {
    for (const file of routeFiles) {
      const code = readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => line.trim() && !line.trim().startsWith('//'));
      expect(code.length, `${file} has ${code.length} lines of code`).toBeLessThanOrEqual(8);
    }
  });

  // pg, PGlite, background work and graceful shutdown need a long-running Node.js process (README "Runtime").
  it('declares the Node.js runtime in every route file', () => {
    for (const file of routeFiles) expect(readFileSync(file, 'utf8'), file).toMatch(/^export const runtime = 'nodejs';$/m);
  });

  it('has unique, camelCase verbNoun operation ids', () => {
    const ids = operations.map((op) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^(get|list|create|update|delete|replace|search|stream|receive|rotate|test|retry)[A-Z][A-Za-z]+$/);
  });
});
