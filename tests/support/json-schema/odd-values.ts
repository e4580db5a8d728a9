/** Values validators are known to disagree on, shared by the random mutants (near.ts) and the systematic edge cases (edges.ts). */
import type { JsonSchema } from './schema.ts';

/** Characters that trip validators: NUL and other controls, whitespace, non-ASCII, astral, lone surrogates, punctuation. */
export const ODD_CHARACTERS = [
  '\u0000', '\u0001', '\u001f', '\t', '\n', '\r', ' ', '\u007f', '\u0080', '\u00a0', 'é', 'É', 'ß', '\u2028', '\ufeff',
  '😀', '\ud800', '\udfff', 'A', 'Z', 'a', '0', '9', '-', '_', '.', '@', '"', "'", '\\', '/', '%', '+', '#', '?', '&', '=',
  ',', ';', ':', '<', '>', '[', ']', '{', '}', '(', ')', '!', '~', '`', '|', '*', '$', '^',
];

/** Emails on which validators are known to differ: quoted, IP-literal, non-ASCII, control characters, short or numeric TLDs. */
export const EMAIL_EDGE_CASES = [
  'a@b.c', 'a@example.123', 'a@example.c0m', 'a@localhost', 'ü@example.com', 'a@exämple.com', '"quoted"@example.com',
  '"q x"@example.com', 'a@[192.0.2.1]', 'a\u0000b@example.com', 'a\u0001@example.com', 'a b@example.com', 'a..b@example.com',
  '.a@example.com', 'a.@example.com', 'a@-example.com', 'a@example-.com', 'a@exa_mple.com', 'A@EXAMPLE.COM', "o'hara@example.com",
  'a{b}@example.com', 'a+tag@example.com', 'a@b@example.com', '@example.com', 'a@', 'a@example.com.', 'a@.example.com',
  'a(comment)@example.com', 'a@xn--bcher-kva.example', `${'a'.repeat(64)}@example.com`, `${'a'.repeat(65)}@example.com`,
  `a@${'b'.repeat(63)}.com`, `a@${'b'.repeat(64)}.com`,
];

/** Date-times just outside RFC 3339: lower case, a space, no offset, out-of-range fields, a bare date or time. */
export const DATE_TIME_EDGE_CASES = [
  '2026-11-21T09:30:00Z', '2026-11-21T09:30:00.123456789Z', '2026-11-21t09:30:00z', '2026-11-21 09:30:00Z', '2026-11-21T09:30:00',
  '2026-11-21T09:30:00+0530', '2026-11-21T24:00:00Z', '2026-02-30T09:30:00Z', '2026-11-21T09:30:60Z', '2026-11-21', '09:30:00Z', '',
];

/** Numbers just outside, on, and far from a numeric schema's bounds; fractions; beyond 2^53. */
export function numberEdges(schema: JsonSchema): number[] {
  const edges = [0, -1, 1, 0.5, -0.5, 2 ** 31, 2 ** 31 - 1, -(2 ** 31) - 1, 2 ** 53, 2 ** 53 + 2, -(2 ** 53) - 2, 1e21, 1e300, -1e300, 5e-324];
  for (const bound of [schema.minimum, schema.maximum, schema.exclusiveMinimum, schema.exclusiveMaximum]) {
    if (bound !== undefined) edges.push(bound - 1, bound, bound + 1, bound - 0.5, bound + 0.5, bound - 1e-9, bound + 1e-9);
  }
  return edges.filter(Number.isFinite);
}

/** Texts that look like numbers to a lenient parser but are not their canonical form. */
export const NUMERIC_TEXTS = ['', ' ', ' 5', '5 ', '05', '+5', '-5', '5.0', '5.', '.5', '1e1', '1E1', '0x10', '0b1', '0o7', '1_000', 'Infinity', 'NaN', 'null', 'true', '１'];
