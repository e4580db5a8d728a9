import { describe, expect, it } from 'vitest';
import { Filename } from '../../contracts/media/schemas.ts';
import { safeFilename } from '../../server/media/filename.ts';

describe('safeFilename: a file part’s name, kept as metadata', () => {
  it.each([
    ['harbour.png', 'harbour.png'],
    ['../../etc/passwd', 'passwd'],
    ['C:\\Users\\ada\\Desktop\\cat.jpg', 'cat.jpg'],
    ['dir/', 'upload.png'],
    ['..', 'upload.png'],
    ['.', 'upload.png'],
    ['  spaced  .png  ', 'spaced  .png'],
    ['tab\tand\u0085next-line\u007f.png', 'tabandnext-line.png'],
    ['', 'upload.png'],
    [undefined, 'upload.png'],
    ['写真 🌅.png', '写真 🌅.png'],
  ])('%j → %j', (raw, kept) => {
    expect(safeFilename(raw, 'image/png')).toBe(kept);
  });

  it('cuts long names to 255 UTF-16 units, never inside a surrogate pair, and the result is a valid Filename', () => {
    for (const raw of ['a'.repeat(1000), '🌅'.repeat(300), `${'a'.repeat(254)}🌅`]) {
      const kept = safeFilename(raw, 'image/png');
      expect(kept.length).toBeLessThanOrEqual(255);
      expect(kept.isWellFormed()).toBe(true);
      expect(Filename.safeParse(kept).success, kept).toBe(true);
    }
    expect(safeFilename(`${'a'.repeat(254)}🌅`, 'image/png')).toBe('a'.repeat(254));
  });

  it('names a nameless PDF upload.pdf', () => {
    expect(safeFilename(undefined, 'application/pdf')).toBe('upload.pdf');
  });
});
