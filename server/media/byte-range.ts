/**
 * Which bytes a request's `Range` asks for (RFC 9110 §14), as Folio serves them: one range, or
 * several that overlap or touch (merged into one); anything else — several apart, another unit,
 * a malformed or invalid range-spec — is ignored and the whole content sent. Written here rather
 * than taken from range-parser, which reads `bytes=1e3-` as `bytes=1-` (parseInt) and calls a
 * suffix longer than the content unsatisfiable, where RFC 9110 §14.1.3 serves all of it.
 */
export interface ByteRange {
  start: number;
  /** Inclusive. */
  end: number;
}

/** `first-last`, `first-` or `-suffix`, digits only (RFC 9110 §14.1.1). */
const RANGE_SPEC = /^(?:(\d+)-(\d*)|-(\d+))$/;

/**
 * The one range to send of content `size` bytes long; `unsatisfiable` when no range-spec overlaps
 * the content (416); undefined when the header is to be ignored (200, the whole content).
 */
export function byteRange(header: string, size: number): ByteRange | 'unsatisfiable' | undefined {
  const unit = header.indexOf('=');
  if (unit === -1 || header.slice(0, unit).trim().toLowerCase() !== 'bytes') return undefined;
  // A list: empty elements are allowed and ignored (RFC 9110 §5.6.1).
  const specs = header.slice(unit + 1).split(',').map((spec) => spec.trim()).filter(Boolean);
  if (specs.length === 0) return undefined;
  const satisfiable: ByteRange[] = [];
  for (const spec of specs) {
    const match = RANGE_SPEC.exec(spec);
    if (!match) return undefined;
    const [, first, last, suffix] = match;
    if (suffix !== undefined) {
      // The last `suffix` bytes, or all of them when the content is shorter (§14.1.3).
      if (Number(suffix) > 0 && size > 0) satisfiable.push({ start: Math.max(0, size - Number(suffix)), end: size - 1 });
      continue;
    }
    const start = Number(first);
    // last-pos before first-pos makes the range-spec invalid, and with it the header.
    if (last !== '' && Number(last) < start) return undefined;
    if (start < size) satisfiable.push({ start, end: last === '' ? size - 1 : Math.min(Number(last), size - 1) });
  }
  if (satisfiable.length === 0) return 'unsatisfiable';
  satisfiable.sort((a, b) => a.start - b.start);
  const merged = satisfiable.reduce<ByteRange[]>((out, range) => {
    const previous = out.at(-1);
    if (previous && range.start <= previous.end + 1) previous.end = Math.max(previous.end, range.end);
    else out.push({ ...range });
    return out;
  }, []);
  // Several ranges apart would need multipart/byteranges, which Folio does not send.
  return merged.length === 1 ? merged[0] : undefined;
}

/**
 * Whether `If-Range` lets the range be sent (RFC 9110 §13.1.5): only when it is this ETag,
 * compared strongly. A date is never a match: media has no Last-Modified to compare it with.
 */
export function rangeStillValid(ifRange: string | undefined, etag: string): boolean {
  return ifRange === undefined || ifRange.trim() === etag;
}
