/**
 * fast-check arbitraries built from JSON Schema (the subset Folio's OpenAPI document uses), so
 * tests can generate from the *document* rather than from the Zod contracts it was made from:
 *
 * - `validValues(schema)`: values the schema accepts (boundaries included).
 * - `nearValues(schema)`: values close to the schema — valid ones and single mutations of them
 *   (a required field dropped, a wrong type, a number out of range, a string too long or too short,
 *   an extra property, a NUL or another odd character, an array with too many items …).
 *
 * Supported: $ref (after `resolveRefs`), allOf, anyOf/oneOf, enum, const, type (and type arrays
 * with "null"), object (properties, required, additionalProperties), array (items, minItems,
 * maxItems, uniqueItems), string (minLength, maxLength, pattern, format email/date-time), integer
 * and number (minimum, maximum, exclusive bounds), boolean. Anything else throws, so a schema the
 * generator does not understand fails loudly instead of being tested with the wrong values.
 * Lengths are counted in code points, as JSON Schema counts them.
 */
import fc from 'fast-check';

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

function assertUnderstood(schema: JsonSchema) {
  for (const key of Object.keys(schema)) {
    if (!UNDERSTOOD.has(key)) throw new Error(`json-schema-arbitrary: keyword "${key}" is not supported (${JSON.stringify(schema).slice(0, 200)})`);
  }
  if (schema.format && !FORMATS.has(schema.format)) throw new Error(`json-schema-arbitrary: format "${schema.format}" is not supported`);
  if (schema.$ref) throw new Error('json-schema-arbitrary: resolve $refs first (resolveRefs)');
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

/** Repeats `seed` (by code points) to exactly `length` code points. */
function cycleTo(seed: string, length: number): string {
  const points = Array.from(seed);
  if (points.length === 0) return '';
  return Array.from({ length }, (_, i) => points[i % points.length]).join('');
}

/**
 * Reshapes a string to `length` code points while it still matches `pattern`: first by cycling
 * the string itself, then with a few filler characters. Returns undefined when none fits.
 */
function reshape(seed: string, length: number, pattern: RegExp | undefined): string | undefined {
  const candidates = [cycleTo(seed, length), ...['a', '0', 'x', 'A', 'ab', 'a0'].map((f) => cycleTo(f, length))];
  return candidates.find((c) => codePoints(c) === length && (!pattern || pattern.test(c)));
}

const EMAIL_DOMAINS = ['example.com', 'folio.test', 'mail.example.org', 'x-y.example.co.uk'];

/** Addresses every email validator in use agrees on: dot-atom local parts, letter TLDs. */
function plainEmail(): fc.Arbitrary<string> {
  const local = fc.stringMatching(/^[a-z0-9](?:[a-z0-9._+-]{0,20}[a-z0-9])?$/).filter((s) => !s.includes('..'));
  return fc.tuple(local, fc.constantFrom(...EMAIL_DOMAINS)).map(([l, d]) => `${l}@${d}`);
}

function dateTime(): fc.Arbitrary<string> {
  const offsets = ['Z', '+00:00', '+05:30', '-08:00', '+14:00'];
  return fc
    .tuple(fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2999-12-31T23:59:59Z'), noInvalidDate: true }), fc.constantFrom(...offsets), fc.boolean())
    .map(([date, offset, millis]) => {
      const iso = date.toISOString();
      return (millis ? iso.slice(0, 23) : iso.slice(0, 19)) + offset;
    });
}

function validString(schema: JsonSchema): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? min + 40;
  const pattern = schema.pattern ? patternRegex(schema.pattern) : undefined;
  let base: fc.Arbitrary<string>;
  if (schema.format === 'email') {
    base = fc.oneof(plainEmail(), fc.emailAddress()).filter((s) => codePoints(s) >= min && codePoints(s) <= max);
    return pattern ? base.filter((s) => pattern.test(s)) : base;
  }
  if (schema.format === 'date-time') return dateTime();
  if (pattern) base = fc.stringMatching(pattern, { maxLength: max });
  else base = fc.string({ unit: 'binary', minLength: min, maxLength: Math.min(max, min + 40) });
  const within = base.map((s) => {
    const length = codePoints(s);
    if (length >= min && length <= max) return s;
    return reshape(s, Math.min(Math.max(length, min), max), pattern) ?? s;
  });
  const at = (length: number) => base.map((s) => reshape(s, length, pattern) ?? s);
  // Very long maxima (a post body: 100,000) are costly to build and check: the systematic edge
  // cases always include them, so random runs reach them only now and then.
  return fc.oneof({ weight: 20, arbitrary: within }, { weight: max > 1000 ? 1 : 5, arbitrary: at(max) }, { weight: 5, arbitrary: at(min) });
}

function validNumber(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const low = schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum : schema.minimum;
  const high = schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum : schema.maximum;
  if (integer) {
    let min = low === undefined ? -(2 ** 31) : Math.ceil(low);
    let max = high === undefined ? 2 ** 31 - 1 : Math.floor(high);
    if (schema.exclusiveMinimum !== undefined && min === schema.exclusiveMinimum) min += 1;
    if (schema.exclusiveMaximum !== undefined && max === schema.exclusiveMaximum) max -= 1;
    return fc.oneof({ weight: 4, arbitrary: fc.integer({ min, max }) }, { weight: 1, arbitrary: fc.constantFrom(min, max) });
  }
  return fc
    .double({ min: low ?? -1e9, max: high ?? 1e9, noNaN: true, noDefaultInfinity: true, minExcluded: schema.exclusiveMinimum !== undefined, maxExcluded: schema.exclusiveMaximum !== undefined })
    .map((n) => (Object.is(n, -0) ? 0 : n));
}

function validArray(schema: JsonSchema, options: GenerationOptions): fc.Arbitrary<unknown[]> {
  const item = validValues(schema.items ?? {}, options);
  const maxLength = schema.maxItems ?? (schema.minItems ?? 0) + 5;
  const minLength = options.complete ? Math.min(Math.max(1, schema.minItems ?? 0), maxLength) : (schema.minItems ?? 0);
  const make = (min: number, max: number) =>
    schema.uniqueItems ? fc.uniqueArray(item, { minLength: min, maxLength: max, selector: (v) => JSON.stringify(v) }) : fc.array(item, { minLength: min, maxLength: max });
  return fc.oneof({ weight: 4, arbitrary: make(minLength, maxLength) }, { weight: 1, arbitrary: make(maxLength, maxLength) });
}

/** Builds an object that owns `key` even when it is `__proto__`. */
export function withKey(object: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const copy = { ...object };
  Object.defineProperty(copy, key, { value, enumerable: true, configurable: true, writable: true });
  return copy;
}

function without(object: Record<string, unknown>, key: string): Record<string, unknown> {
  const copy = { ...object };
  delete copy[key];
  return copy;
}

function validObject(schema: JsonSchema, options: GenerationOptions): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  const model = Object.fromEntries(Object.entries(properties).map(([name, s]) => [name, validValues(s, options)]));
  const requiredKeys = options.complete ? Object.keys(properties) : (schema.required ?? []).filter((k) => k in properties);
  const record = fc.record(model, { requiredKeys }) as fc.Arbitrary<Record<string, unknown>>;
  if (schema.additionalProperties === false || options.wire === 'text' || options.complete) return record;
  const extraValue = schema.additionalProperties && typeof schema.additionalProperties === 'object' ? validValues(schema.additionalProperties, options) : fc.jsonValue({ maxDepth: 1 });
  const extraName = fc.string({ minLength: 1, maxLength: 8 }).filter((name) => !(name in properties) && name !== '__proto__');
  return fc.oneof(
    { weight: 4, arbitrary: record },
    { weight: 1, arbitrary: fc.tuple(record, extraName, extraValue).map(([o, name, value]) => withKey(o, name, value)) },
  );
}

/** Values `schema` accepts. */
export function validValues(input: JsonSchema, options: GenerationOptions = { wire: 'json' }): fc.Arbitrary<unknown> {
  const schema = mergeAllOf(input);
  assertUnderstood(schema);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches) {
    const rest = { ...schema };
    delete rest.anyOf;
    delete rest.oneOf;
    return fc.oneof(...branches.map((b) => validValues(mergeAllOf({ allOf: [rest, b] }), options)));
  }
  const types = typesOf(schema);
  if (!types) return options.wire === 'text' ? fc.string() : fc.jsonValue({ maxDepth: 2 });
  const byType = types.map((type): fc.Arbitrary<unknown> => {
    switch (type) {
      case 'null':
        return fc.constant(null);
      case 'boolean':
        return fc.boolean();
      case 'integer':
        return validNumber(schema, true);
      case 'number':
        return validNumber(schema, false);
      case 'string':
        return validString(schema);
      case 'array':
        return validArray(schema, options);
      case 'object':
        return validObject(schema, options);
      default:
        throw new Error(`json-schema-arbitrary: type "${type}" is not supported`);
    }
  });
  return byType.length === 1 ? byType[0]! : fc.oneof(...byType);
}

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

const DATE_TIME_EDGE_CASES = [
  '2026-11-21T09:30:00Z', '2026-11-21T09:30:00.123456789Z', '2026-11-21t09:30:00z', '2026-11-21 09:30:00Z', '2026-11-21T09:30:00',
  '2026-11-21T09:30:00+0530', '2026-11-21T24:00:00Z', '2026-02-30T09:30:00Z', '2026-11-21T09:30:60Z', '2026-11-21', '09:30:00Z', '',
];

/** Numbers just outside, on, and far from a numeric schema's bounds; fractions; beyond 2^53. */
function numberEdges(schema: JsonSchema): number[] {
  const edges = [0, -1, 1, 0.5, -0.5, 2 ** 31, 2 ** 31 - 1, -(2 ** 31) - 1, 2 ** 53, 2 ** 53 + 2, -(2 ** 53) - 2, 1e21, 1e300, -1e300, 5e-324];
  for (const bound of [schema.minimum, schema.maximum, schema.exclusiveMinimum, schema.exclusiveMaximum]) {
    if (bound !== undefined) edges.push(bound - 1, bound, bound + 1, bound - 0.5, bound + 0.5, bound - 1e-9, bound + 1e-9);
  }
  return edges.filter(Number.isFinite);
}

/** Texts that look like numbers to a lenient parser but are not their canonical form. */
const NUMERIC_TEXTS = ['', ' ', ' 5', '5 ', '05', '+5', '-5', '5.0', '5.', '.5', '1e1', '1E1', '0x10', '0b1', '0o7', '1_000', 'Infinity', 'NaN', 'null', 'true', '１'];

function wrongTypes(options: GenerationOptions): fc.Arbitrary<unknown> {
  const scalars = [fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.string({ maxLength: 10 })];
  if (options.wire === 'text') {
    // A parameter sent twice (`?status=a&status=b`) is the text form of an array.
    return options.scalarOnly ? fc.oneof(...scalars) : fc.oneof(...scalars, fc.array(fc.oneof(...scalars), { minLength: 2, maxLength: 3 }));
  }
  return fc.oneof(...scalars, fc.constant(null), fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }));
}

function stringMutants(schema: JsonSchema): fc.Arbitrary<unknown>[] {
  const valid = validString({ ...schema, format: schema.format === 'email' ? undefined : schema.format });
  const pattern = schema.pattern ? patternRegex(schema.pattern) : undefined;
  const mutants: fc.Arbitrary<unknown>[] = [];
  const lengthen = (length: number) => (schema.format === 'email' ? plainEmail().map((e) => 'a'.repeat(Math.max(0, length - codePoints(e))) + e) : valid.map((s) => reshape(s, length, pattern) ?? cycleTo(s || 'a', length)));
  if (schema.maxLength !== undefined) mutants.push(fc.oneof(...[1, 2, 3].map((extra) => lengthen(schema.maxLength! + extra))));
  if (schema.minLength) mutants.push(lengthen(schema.minLength - 1));
  const emailOrValid = schema.format === 'email' ? fc.oneof(validString(schema), plainEmail()) : valid;
  // One odd character inserted into, or substituted in, a valid value.
  mutants.push(
    fc.tuple(emailOrValid, fc.constantFrom(...ODD_CHARACTERS), fc.nat(), fc.boolean()).map(([s, c, at, replace]) => {
      const points = Array.from(s);
      const i = points.length === 0 ? 0 : at % points.length;
      points.splice(i, replace ? 1 : 0, c);
      return points.join('');
    }),
  );
  // Astral characters: code points and UTF-16 units disagree on the length.
  for (const bound of [schema.minLength, schema.maxLength]) {
    if (bound) mutants.push(fc.constantFrom(bound - 1, bound, bound + 1).filter((n) => n >= 0).map((n) => '😀'.repeat(n)));
  }
  mutants.push(fc.string({ unit: 'binary', maxLength: (schema.maxLength ?? 20) + 2 }));
  if (schema.format === 'email') mutants.push(fc.constantFrom(...EMAIL_EDGE_CASES));
  if (schema.format === 'date-time') mutants.push(fc.constantFrom(...DATE_TIME_EDGE_CASES));
  if (schema.enum) {
    const values = schema.enum.filter((v): v is string => typeof v === 'string');
    if (values.length > 0) {
      const variants = (v: string) => [v.toUpperCase(), ` ${v}`, `${v} `, `${v}x`, v.slice(1), ''];
      mutants.push(fc.constantFrom(...values.flatMap(variants)));
    }
  }
  return mutants;
}

function objectMutants(schema: JsonSchema, options: GenerationOptions): fc.Arbitrary<unknown>[] {
  const properties = schema.properties ?? {};
  const valid = validObject(schema, options);
  const mutants: fc.Arbitrary<unknown>[] = [];
  const required = (schema.required ?? []).filter((k) => k in properties);
  if (required.length > 0) mutants.push(fc.tuple(valid, fc.constantFrom(...required)).map(([o, key]) => without(o, key)));
  const names = Object.keys(properties);
  if (names.length > 0) {
    // The main surface: one property near its schema, the others valid.
    const one = fc.oneof(...names.map((name) => fc.tuple(valid, nearValues(properties[name]!, options)).map(([o, value]) => withKey(o, name, value))));
    mutants.push(one, one, one);
    // A declared name in another case: JSON keys are case-sensitive.
    mutants.push(fc.tuple(valid, fc.constantFrom(...names)).map(([o, name]) => withKey(o, name.toUpperCase(), o[name] ?? 'x')));
  }
  const extraName = fc.constantFrom('extra', 'id', 'created_at', '__proto__', 'constructor', 'toString', '', ' ');
  const extraValue = options.wire === 'text' ? fc.string({ maxLength: 5 }) : fc.jsonValue({ maxDepth: 1 });
  mutants.push(fc.tuple(valid, extraName, extraValue).filter(([, name]) => !(name in properties)).map(([o, name, value]) => withKey(o, name, value)));
  return mutants;
}

function arrayMutants(schema: JsonSchema, options: GenerationOptions): fc.Arbitrary<unknown>[] {
  const itemOptions: GenerationOptions = { wire: options.wire, scalarOnly: true };
  const item = validValues(schema.items ?? {}, itemOptions);
  const mutants: fc.Arbitrary<unknown>[] = [];
  if (schema.maxItems !== undefined) mutants.push(fc.array(item, { minLength: schema.maxItems + 1, maxLength: schema.maxItems + 2 }));
  if (schema.minItems) mutants.push(fc.array(item, { maxLength: schema.minItems - 1 }));
  const host = fc.array(item, { minLength: Math.max(1, schema.minItems ?? 0), maxLength: Math.max(1, schema.minItems ?? 0, Math.min(schema.maxItems ?? 3, 3)) });
  mutants.push(
    fc.tuple(host, nearValues(schema.items ?? {}, itemOptions), fc.nat()).map(([items, value, at]) => {
      const copy = [...items];
      copy[at % copy.length] = value;
      return copy;
    }),
  );
  if (schema.uniqueItems) mutants.push(item.map((v) => [v, v]));
  return mutants;
}

/**
 * Values near `schema`: about one in five is valid, the rest carry one mutation (at the top or
 * anywhere below it), so a rule one side has and the other lacks shows up in isolation.
 */
export function nearValues(input: JsonSchema, options: GenerationOptions = { wire: 'json' }): fc.Arbitrary<unknown> {
  const schema = mergeAllOf(input);
  assertUnderstood(schema);
  const types = typesOf(schema) ?? [];
  const text = options.wire === 'text';
  // In text, the only object is the set of parameters itself: it has no other type to take.
  const mutants: fc.Arbitrary<unknown>[] = text && types.includes('object') ? [] : [wrongTypes(options)];
  if (schema.enum) mutants.push(...stringMutants({ ...schema, type: 'string' }));
  for (const type of types) {
    if (type === 'string' && !schema.enum) mutants.push(...stringMutants(schema));
    if (type === 'integer' || type === 'number') {
      mutants.push(fc.constantFrom(...numberEdges(schema)));
      if (text) mutants.push(fc.constantFrom(...NUMERIC_TEXTS));
      else mutants.push(validNumber(schema, type === 'integer').map(String));
    }
    if (type === 'boolean') mutants.push(fc.constantFrom<unknown>('true', 'false', 0, 1, 'yes', '', 'TRUE', ...(text ? [] : [null])));
    if (type === 'array') mutants.push(...arrayMutants(schema, options));
    if (type === 'object') mutants.push(...objectMutants(schema, options));
  }
  if (!text && !types.includes('null')) mutants.push(fc.constant(null));
  return fc.oneof({ weight: 1, arbitrary: validValues(schema, options) }, { weight: 4, arbitrary: fc.oneof(...mutants) });
}

// ─── Systematic edge cases ───────────────────────────────────────────────────────────────────

type Path = (string | number)[];

function setAt(root: unknown, path: Path, value: unknown, remove = false): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (Array.isArray(root)) {
    const copy = [...root];
    copy[head as number] = setAt(copy[head as number], rest, value, remove);
    return copy;
  }
  const object = root as Record<string, unknown>;
  if (rest.length === 0 && remove) return without(object, head as string);
  return withKey(object, head as string, setAt(object[head as string], rest, value, remove));
}

const WRONG_JSON_TYPES: unknown[] = [0, 1.5, -1, true, false, 'x', '', null, [], {}, [null], { a: 1 }];
const WRONG_TEXT_TYPES: unknown[] = [0, 1.5, -1, true, false, 'x', ''];
const EXTRA_KEYS = ['extra', 'id', 'created_at', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '', ' ', '\u0000'];

interface Edges {
  valid: unknown[];
  near: unknown[];
}

/** The edge values of one location, given the valid value it holds in the base. */
function localEdges(schema: JsonSchema, base: unknown, options: GenerationOptions, depth: number): Edges {
  const text = options.wire === 'text';
  const types = typesOf(schema) ?? [];
  const valid: unknown[] = [];
  const near: unknown[] = [];
  const isPartObject = text && depth === 0;
  if (!isPartObject) {
    near.push(...(text ? WRONG_TEXT_TYPES : WRONG_JSON_TYPES));
    // A parameter sent twice; a value inside a repeated parameter cannot be repeated again.
    if (text && depth === 1 && !types.includes('array')) near.push([base, base], ['x', base]);
  }
  if (schema.enum) {
    valid.push(...schema.enum);
    for (const v of schema.enum) if (typeof v === 'string') near.push(v.toUpperCase(), ` ${v}`, `${v} `, `${v}x`, v.slice(1), `${v}\u0000`);
  }
  if (types.includes('null')) valid.push(null);
  if (types.includes('string') && !schema.enum && typeof base === 'string') {
    const pattern = schema.pattern ? patternRegex(schema.pattern) : undefined;
    const min = schema.minLength ?? 0;
    const lengthTo = (n: number) => (schema.format === 'email' ? 'a'.repeat(Math.max(0, n - codePoints(base))) + base : (reshape(base, n, pattern) ?? cycleTo(base || 'a', n)));
    if (schema.maxLength !== undefined) {
      if (schema.format !== 'email') valid.push(lengthTo(schema.maxLength));
      near.push(lengthTo(schema.maxLength + 1), '😀'.repeat(schema.maxLength), '😀'.repeat(schema.maxLength + 1));
    }
    if (!schema.format) valid.push(lengthTo(min));
    if (min > 0) near.push(lengthTo(min - 1), '😀'.repeat(min - 1), '😀'.repeat(min));
    const points = Array.from(base);
    const middle = Math.floor(points.length / 2);
    for (const c of ODD_CHARACTERS) {
      near.push([...points.slice(0, middle), c, ...points.slice(middle)].join(''));
      near.push([c, ...points.slice(1)].join(''));
    }
    if (schema.format === 'email') near.push(...EMAIL_EDGE_CASES);
    if (schema.format === 'date-time') near.push(...DATE_TIME_EDGE_CASES);
  }
  if ((types.includes('integer') || types.includes('number')) && typeof base === 'number') {
    near.push(...numberEdges(schema));
    near.push(...(text ? NUMERIC_TEXTS : [String(base)]));
    for (const bound of [schema.minimum, schema.maximum]) if (bound !== undefined) valid.push(bound);
  }
  if (types.includes('boolean')) {
    valid.push(true, false);
    near.push(...(text ? ['yes', '1', '0', 'TRUE', 'True', ''] : ['true', 'false', 0, 1]));
  }
  if (types.includes('array') && Array.isArray(base)) {
    const item = base[0];
    const repeat = (n: number) => Array.from({ length: n }, () => item);
    if (item !== undefined) {
      if (schema.maxItems !== undefined) {
        valid.push(repeat(schema.maxItems));
        near.push(repeat(schema.maxItems + 1));
      }
      if (schema.minItems) near.push(repeat(schema.minItems - 1));
      if (schema.uniqueItems) near.push(repeat(2));
    }
    (schema.minItems ? near : valid).push([]);
  }
  if (types.includes('object') && base && typeof base === 'object' && !Array.isArray(base)) {
    const object = base as Record<string, unknown>;
    const properties = schema.properties ?? {};
    for (const key of Object.keys(properties)) {
      if (!(key in object)) continue;
      (schema.required?.includes(key) ? near : valid).push(without(object, key));
      near.push(withKey(object, key.toUpperCase(), object[key]));
    }
    for (const key of EXTRA_KEYS) if (!Object.hasOwn(properties, key)) near.push(withKey(object, key, text ? 'x' : 1));
  }
  return { valid, near };
}

/**
 * Deterministic edge cases for `schema`: a complete valid base value (every optional property
 * present), and copies of it with one location (the root, each property, the first item of each
 * array) replaced by each of that location's edges — bounds, just-out-of-bounds, odd characters,
 * wrong types, dropped and extra properties. `valid` should all be accepted; `near` judged alike.
 */
export function edgeCases(input: JsonSchema, options: GenerationOptions = { wire: 'json' }, seed = 1): Edges & { base: unknown } {
  const schema = mergeAllOf(input);
  const [base] = fc.sample(validValues(schema, { ...options, complete: true }), { numRuns: 1, seed });
  const valid: unknown[] = [base];
  const near: unknown[] = [];
  const visit = (node: JsonSchema, value: unknown, path: Path) => {
    const merged = mergeAllOf(node);
    const local = localEdges(merged, value, options, path.length);
    valid.push(...local.valid.map((v) => setAt(base, path, v)));
    near.push(...local.near.map((v) => setAt(base, path, v)));
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, sub] of Object.entries(merged.properties ?? {})) {
        if (key in (value as object)) visit(sub, (value as Record<string, unknown>)[key], [...path, key]);
      }
    }
    if (Array.isArray(value) && value.length > 0 && merged.items) visit(merged.items, value[0], [...path, 0]);
  };
  visit(schema, base, []);
  return { base, valid, near };
}
