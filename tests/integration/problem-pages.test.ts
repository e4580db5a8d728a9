/**
 * Every problem's `type` is a page Folio serves (`/problems/<code>`), explaining the problem and
 * what to do — for every code the catalogue has, and every `type` the document promises.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { errors } from '../../contracts/index.ts';
import { problemType } from '../../contracts/shared/errors.ts';

const servers = inject('servers');
const document = JSON.parse(readFileSync(new URL('../../openapi.json', import.meta.url), 'utf8')) as { components: { schemas: Record<string, unknown> } };

/** The `type` values the document's problem schemas fix. */
const documentedTypes = Object.values(document.components.schemas).flatMap((schema) => {
  const text = JSON.stringify(schema);
  return [...text.matchAll(/"type":\{"type":"string","enum":\["(\/problems\/[^"]+)"\]/g)].map((m) => m[1]!);
});

describe.each(servers)('problem pages on $kind', ({ baseUrl }) => {
  it.each(errors.map((e) => [e.code, e] as const))('%s has its page, saying what it means and what to do', async (_, error) => {
    const res = await fetch(new URL(problemType(error.code), baseUrl));
    const html = await res.text();
    expect(res.status, html.slice(0, 300)).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors");
    expect(html).toContain(error.code);
    expect(html).toContain(`HTTP ${error.status}`);
    expect(html).toContain('What to do');
  });

  it('serves every `type` the document promises, and lists every code', async () => {
    expect(documentedTypes.length).toBeGreaterThan(10);
    for (const type of documentedTypes) expect((await fetch(new URL(type, baseUrl))).status, type).toBe(200);
    const index = await (await fetch(new URL('/problems', baseUrl))).text();
    for (const error of errors) expect(index).toContain(`/problems/${error.code}`);
  });

  it('answers a code that does not exist with 404', async () => {
    expect((await fetch(new URL('/problems/no_such_problem', baseUrl))).status).toBe(404);
  });
});
