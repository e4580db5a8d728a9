import { z } from '../zod.ts';

/**
 * Text that PostgreSQL can store: anything but NUL (U+0000), which `text` columns reject.
 * The rule is a pattern, so the document states exactly what the runtime enforces.
 */
export const NO_NUL = /^[^\u0000]*$/;

export function text(opts: { min?: number; max: number }) {
  return z
    .string()
    .min(opts.min ?? 0)
    .max(opts.max)
    .regex(NO_NUL, 'must not contain NUL (U+0000) characters');
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
