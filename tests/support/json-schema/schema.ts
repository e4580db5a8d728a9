/**
 * JSON Schema as the generators in this folder read it (the subset Folio's OpenAPI document
 * uses), and the helpers they share. The generators build fast-check arbitraries from the
 * *document* rather than from the Zod contracts it was made from:
 *
 * - valid.ts — `validValues(schema)`: values the schema accepts (boundaries included).
 * - near.ts — `nearValues(schema)`: values close to the schema — valid ones and single mutations
 *   of them (a required field dropped, a wrong type, a number out of range, a string too long or
 *   too short, an extra property, a NUL or another odd character, an array with too many items …).
 * - edges.ts — `edgeCases(schema)`: the same kinds of values, systematically and deterministically.
 *
 * Supported: $ref (after `resolveRefs`), allOf, anyOf/oneOf, enum, const, type (and type arrays
 * with "null"), object (properties, required, additionalProperties), array (items, minItems,
 * maxItems, uniqueItems), string (minLength, maxLength, pattern, format email/date-time), integer
 * and number (minimum, maximum, exclusive bounds), boolean. Anything else throws, so a schema the
 * generator does not understand fails loudly instead of being tested with the wrong values.
 * Lengths are counted in code points, as JSON Schema counts them.
 */

export type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  allOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  [keyword: string]: unknown;
};

/** Where values travel: as JSON (bodies), or as text (query, path and header parameters). */
export interface GenerationOptions {
  /**
   * `text`: only values a URL or a header can carry — scalars, and arrays of scalars where the
   * schema is an array (repeated parameters). `json`: any JSON value.
   */
  wire: 'json' | 'text';
  /** Text only: a value inside a repeated parameter, which cannot itself be repeated. */
  scalarOnly?: boolean;
  /** Objects with every declared property present (the base of `edgeCases`). */
  complete?: boolean;
}

const ANNOTATIONS = new Set(['description', 'example', 'examples', 'default', 'title', 'deprecated', 'readOnly', 'writeOnly', '$schema', '$id']);
const UNDERSTOOD = new Set([
  ...ANNOTATIONS,
  ...['type', 'enum', 'const', 'allOf', 'anyOf', 'oneOf', 'properties', 'required', 'additionalProperties', 'items'],
  ...['minItems', 'maxItems', 'uniqueItems', 'minLength', 'maxLength', 'pattern', 'format'],
  ...['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'],
]);
const FORMATS = new Set(['email', 'date-time']);

/** Inlines every local `$ref` (`#/components/...`) against `document`; siblings of a $ref win. */
export function resolveRefs(schema: JsonSchema, document: object, seen: string[] = []): JsonSchema {
  if (Array.isArray(schema)) return schema.map((s) => resolveRefs(s, document, seen)) as unknown as JsonSchema;
  if (schema === null || typeof schema !== 'object') return schema;
  let out: JsonSchema = {};
  if (typeof schema.$ref === 'string') {
    const ref = schema.$ref;
    if (!ref.startsWith('#/')) throw new Error(`Only local $refs are supported, got ${ref}`);
    if (seen.includes(ref)) throw new Error(`Recursive $ref ${ref} is not supported`);
    const target = ref
      .slice(2)
      .split('/')
      .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'))
      .reduce<unknown>((node, token) => (node as Record<string, unknown> | undefined)?.[token], document);
    if (!target) throw new Error(`Unresolvable $ref ${ref}`);
    out = resolveRefs(target as JsonSchema, document, [...seen, ref]);
  }
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$ref') continue;
    if (key === 'properties') {
      out.properties = Object.fromEntries(Object.entries(value as Record<string, JsonSchema>).map(([k, v]) => [k, resolveRefs(v, document, seen)]));
    } else if (['items', 'additionalProperties'].includes(key) && typeof value === 'object') {
      out[key] = resolveRefs(value as JsonSchema, document, seen);
    } else if (['allOf', 'anyOf', 'oneOf'].includes(key)) {
      out[key] = (value as JsonSchema[]).map((s) => resolveRefs(s, document, seen));
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** Merges `allOf` into one schema (properties and required united, the tighter bound kept). */
export function mergeAllOf(schema: JsonSchema): JsonSchema {
  if (!schema.allOf) return schema;
  const { allOf, ...rest } = schema;
  let merged: JsonSchema = rest;
  for (const part of allOf.map(mergeAllOf)) {
    const next: JsonSchema = { ...merged, ...part };
    if (merged.properties || part.properties) next.properties = { ...merged.properties, ...part.properties };
    if (merged.required || part.required) next.required = [...new Set([...(merged.required ?? []), ...(part.required ?? [])])];
    for (const key of ['minimum', 'exclusiveMinimum', 'minLength', 'minItems'] as const) {
      if (merged[key] !== undefined && part[key] !== undefined) next[key] = Math.max(merged[key], part[key]);
    }
    for (const key of ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems'] as const) {
      if (merged[key] !== undefined && part[key] !== undefined) next[key] = Math.min(merged[key], part[key]);
    }
    if (merged.additionalProperties === false || part.additionalProperties === false) next.additionalProperties = false;
    if (merged.pattern && part.pattern && merged.pattern !== part.pattern) throw new Error('allOf with two patterns is not supported');
    merged = next;
  }
  return merged;
}

/** Throws on any keyword or format the generators do not understand, and on unresolved $refs. */
export function assertUnderstood(schema: JsonSchema) {
  for (const key of Object.keys(schema)) {
    if (!UNDERSTOOD.has(key)) throw new Error(`json-schema: keyword "${key}" is not supported (${JSON.stringify(schema).slice(0, 200)})`);
  }
  if (schema.format && !FORMATS.has(schema.format)) throw new Error(`json-schema: format "${schema.format}" is not supported`);
  if (schema.$ref) throw new Error('json-schema: resolve $refs first (resolveRefs)');
}

/** The types a schema admits; `undefined` when it does not say (any JSON value). */
export function typesOf(schema: JsonSchema): string[] | undefined {
  if (schema.type) return Array.isArray(schema.type) ? schema.type : [schema.type];
  if (schema.properties || schema.additionalProperties !== undefined || schema.required) return ['object'];
  if (schema.items) return ['array'];
  if (schema.pattern || schema.format || schema.minLength !== undefined || schema.maxLength !== undefined) return ['string'];
  return undefined;
}

export const codePoints = (s: string): number => Array.from(s).length;

/** JSON Schema's `pattern`: an ECMAScript regex with the unicode flag (as Ajv compiles it). */
export function patternRegex(pattern: string): RegExp {
  return new RegExp(pattern, 'u');
}

/** The pattern with its (unnested) lookahead and lookbehind groups removed: a superset to generate from. */
export function withoutLookarounds(pattern: RegExp): RegExp {
  return new RegExp(pattern.source.replace(/\(\?<?[=!](?:\\.|[^()\\])*\)/g, ''), pattern.flags);
}

/** Repeats `seed` (by code points) to exactly `length` code points. */
export function cycleTo(seed: string, length: number): string {
  const points = Array.from(seed);
  if (points.length === 0) return '';
  return Array.from({ length }, (_, i) => points[i % points.length]).join('');
}

/**
 * Reshapes a string to `length` code points while it still matches `pattern`: first by cycling
 * the string itself, then with a few filler characters. Returns undefined when none fits.
 */
export function reshape(seed: string, length: number, pattern: RegExp | undefined): string | undefined {
  const candidates = [cycleTo(seed, length), ...['a', '0', 'x', 'A', 'ab', 'a0'].map((f) => cycleTo(f, length))];
  return candidates.find((c) => codePoints(c) === length && (!pattern || pattern.test(c)));
}

/** Builds an object that owns `key` even when it is `__proto__`. */
export function withKey(object: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const copy = { ...object };
  Object.defineProperty(copy, key, { value, enumerable: true, configurable: true, writable: true });
  return copy;
}

/** A copy of `object` without `key`. */
export function without(object: Record<string, unknown>, key: string): Record<string, unknown> {
  const copy = { ...object };
  delete copy[key];
  return copy;
}
