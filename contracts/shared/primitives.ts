import { z } from '../zod.ts';

/**
 * Text that PostgreSQL can store: anything but NUL (U+0000), which `text` columns reject. (An
 * unpaired UTF-16 surrogate, which JSON can spell `"\ud800"` and PostgreSQL would store as U+FFFD,
 * is refused when the body is read — server/http/read-body.ts — since a pattern cannot name it in
 * every validator the document serves.) Each rule is one pattern, so the document states exactly
 * what the runtime enforces.
 */
const NO_NUL = /^[^\u0000]*$/;
/** Unicode White_Space and the BOM, spelled out: `\s` means different things in JavaScript, Python and Rust. */
const BLANK = '\\t\\n\\v\\f\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF';
/** No NUL, and not only whitespace (the empty string is left to `min`, so it is reported once). */
const NON_BLANK = new RegExp(`^(?:[${BLANK}]*[^\\u0000${BLANK}][^\\u0000]*)?$`);

/** Free text: storable and, with `nonBlank`, not only whitespace. */
export function text(opts: { min?: number; max: number; nonBlank?: boolean }) {
  return z
    .string()
    .min(opts.min ?? 0)
    .max(opts.max)
    .regex(
      opts.nonBlank ? NON_BLANK : NO_NUL,
      opts.nonBlank ? 'must contain a non-whitespace character, and no NUL (U+0000)' : 'must not contain NUL (U+0000) characters',
    );
}

/** Lowercase words joined by single hyphens: `hello-world`, `2026-roadmap`. */
export const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Crockford base32 (lowercase), 26 characters: a ULID, time-ordered and opaque to clients. */
const ULID = '[0-9a-hjkmnp-tv-z]{26}';

/** An opaque identifier with a recognisable prefix, e.g. `post_01jd…`. */
export function identifier(prefix: string, description: string, example: string) {
  const length = prefix.length + 1 + 26;
  return z
    .string()
    .min(length)
    .max(length)
    .regex(new RegExp(`^${prefix}_${ULID}$`))
    .openapi({ description, example });
}

export const Timestamp = z.iso
  .datetime({ offset: true })
  .openapi({ description: 'RFC 3339 timestamp in UTC.', example: '2026-11-21T09:30:00.000Z' });

/**
 * A non-negative integer in the query string. Parsed from a strict digit pattern (no signs,
 * spaces, hex or exponents), documented as the integer it becomes.
 */
export function queryInteger(opts: { min: number; max: number; default: number; description: string }) {
  return z
    .string()
    .regex(/^(?:0|[1-9][0-9]{0,5})$/, `must be a whole number from ${opts.min} to ${opts.max}`)
    .optional()
    .transform((value) => (value === undefined ? opts.default : Number(value)))
    .pipe(z.number().int().min(opts.min).max(opts.max))
    .openapi({
      type: 'integer',
      minimum: opts.min,
      maximum: opts.max,
      default: opts.default,
      description: opts.description,
      example: opts.default,
    });
}
