/** Which bytes a Range asks for (server/media/byte-range.ts), against RFC 9110 §14's examples and edges. */
import { describe, expect, it } from 'vitest';
import { byteRange, rangeStillValid } from '../../server/media/byte-range.ts';

describe('byteRange', () => {
  it.each([
    ['bytes=0-9', 411, { start: 0, end: 9 }],
    ['bytes=400-', 411, { start: 400, end: 410 }],
    ['bytes=400-9999', 411, { start: 400, end: 410 }],
    ['bytes=-7', 411, { start: 404, end: 410 }],
    // A suffix longer than the content is all of it (§14.1.3).
    ['bytes=-500', 411, { start: 0, end: 410 }],
    // The unit is case-insensitive; whitespace and empty list elements are allowed.
    ['Bytes = 0-9', 411, { start: 0, end: 9 }],
    ['bytes=0-9, ,', 411, { start: 0, end: 9 }],
    // Overlapping or touching ranges are one range; an unsatisfiable one among them is dropped.
    ['bytes=0-9,5-20', 411, { start: 0, end: 20 }],
    ['bytes=10-19,0-9', 411, { start: 0, end: 19 }],
    ['bytes=0-9,500-600', 411, { start: 0, end: 9 }],
    // Digits beyond the safe integers still compare as numbers.
    ['bytes=0-99999999999999999999999', 411, { start: 0, end: 410 }],
  ])('%s of %i bytes → %o', (header, size, expected) => {
    expect(byteRange(header, size)).toEqual(expected);
  });

  it.each([
    ['bytes=411-', 411],
    ['bytes=500-600', 411],
    ['bytes=-0', 411],
    ['bytes=0-0', 0],
    ['bytes=-5', 0],
  ])('%s of %i bytes → unsatisfiable (416)', (header, size) => {
    expect(byteRange(header, size)).toBe('unsatisfiable');
  });

  it.each([
    // Not one range: several apart need multipart/byteranges.
    'bytes=0-9,20-29',
    // Malformed or invalid: the header is ignored, not refused.
    'bytes=1e3-',
    'bytes=abc',
    'bytes=5-2',
    'bytes=0x10-',
    'bytes= -',
    'bytes=',
    'bytes',
    'pages=1-2',
    'bytes=+1-2',
    'bytes=1-2-3',
  ])('%s → ignored (the whole content)', (header) => {
    expect(byteRange(header, 411)).toBeUndefined();
  });
});

describe('rangeStillValid', () => {
  const etag = '"abc"';
  it('sends the range without If-Range, or when it is this ETag', () => {
    expect(rangeStillValid(undefined, etag)).toBe(true);
    expect(rangeStillValid('"abc"', etag)).toBe(true);
    expect(rangeStillValid(' "abc" ', etag)).toBe(true);
  });
  it('sends the whole content for another ETag, a weak one, or a date (compared strongly; no Last-Modified)', () => {
    expect(rangeStillValid('"other"', etag)).toBe(false);
    expect(rangeStillValid('W/"abc"', etag)).toBe(false);
    expect(rangeStillValid('Sat, 29 Oct 1994 19:43:31 GMT', etag)).toBe(false);
  });
});
