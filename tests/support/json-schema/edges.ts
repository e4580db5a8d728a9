/**
 * `edgeCases(schema)`: deterministic edge cases for a JSON Schema — a complete valid base value
 * and copies of it with one location replaced by each of that location's edges.
 */
import fc from 'fast-check';
import { DATE_TIME_EDGE_CASES, EMAIL_EDGE_CASES, NUMERIC_TEXTS, ODD_CHARACTERS, numberEdges } from './odd-values.ts';
import { codePoints, cycleTo, mergeAllOf, patternRegex, reshape, typesOf, withKey, without, type GenerationOptions, type JsonSchema } from './schema.ts';
import { validValues } from './valid.ts';

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
