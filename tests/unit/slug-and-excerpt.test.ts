import { describe, expect, it } from 'vitest';
import { deriveExcerpt } from '../../server/posts/excerpt.ts';
import { firstFreeSlug, MAX_SLUG, slugFromTitle } from '../../server/posts/slug.ts';

describe('slugFromTitle', () => {
  it.each([
    ['Hello, World!', 'hello-world'],
    ['Déjà vu — again', 'deja-vu-again'],
    ['Grüße aus Köln', 'gruesse-aus-koeln'],
    ['🚀🚀🚀', 'post'],
    ['   ', 'post'],
    ["Robert'); DROP TABLE posts;--", 'robert-drop-table-posts'],
  ])('%s → %s', (title, slug) => {
    expect(slugFromTitle(title)).toBe(slug);
  });

  it('leaves room for a numeric suffix within the limit', () => {
    const slug = slugFromTitle('word '.repeat(100));
    expect(slug.length).toBeLessThanOrEqual(MAX_SLUG - 8);
    expect(slug.endsWith('-')).toBe(false);
  });

  it('takes the first free suffix', () => {
    expect(firstFreeSlug('a', new Set())).toBe('a');
    expect(firstFreeSlug('a', new Set(['a', 'a-2', 'a-4']))).toBe('a-3');
  });
});

describe('deriveExcerpt', () => {
  it('strips Markdown to plain text', () => {
    expect(deriveExcerpt('# Title\n\n> quoted **bold** _em_ `code` [link](http://x) ![alt](i.png)\n- item')).toBe(
      'Title quoted bold em code link alt item',
    );
  });

  it('cuts long text at a word boundary, within 280 characters', () => {
    const excerpt = deriveExcerpt('lorem ipsum '.repeat(100));
    expect(excerpt.length).toBeLessThanOrEqual(280);
    expect(excerpt.endsWith('…')).toBe(true);
    expect(excerpt).not.toMatch(/ …$/);
  });

  it('never cuts a character in half: an emoji at the cut is left out whole, so the excerpt is well-formed', () => {
    for (const body of ['😀'.repeat(300), `a${'😀'.repeat(300)}`, `${' '.repeat(1119)}😀`]) {
      const excerpt = deriveExcerpt(body);
      expect(excerpt.isWellFormed(), JSON.stringify(excerpt.slice(-3))).toBe(true);
      expect(excerpt.length).toBeLessThanOrEqual(280);
    }
  });
});
