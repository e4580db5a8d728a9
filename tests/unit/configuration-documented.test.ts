/**
 * Every setting server/config.ts reads is named in README.md's configuration list, so an operator
 * reading the README sees every knob there is.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

const source = readFileSync(new URL('../../server/config.ts', import.meta.url), 'utf8');
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

it('names every FOLIO_* setting in README.md', () => {
  const settings = [...new Set([...source.matchAll(/\bFOLIO_[A-Z_]+[A-Z]\b/g)].map((m) => m[0]))];
  expect(settings.length).toBeGreaterThan(20);
  expect(settings.filter((name) => !readme.includes(`\`${name}\``))).toEqual([]);
});
