/**
 * `nearValues(schema)`: values close to a JSON Schema — valid ones and single mutations of them
 * (a required field dropped, a wrong type, a number out of range, a string too long or too short,
 * an extra property, a NUL or another odd character, an array with too many items …).
 */
import fc from 'fast-check';
import { DATE_TIME_EDGE_CASES, EMAIL_EDGE_CASES, NUMERIC_TEXTS, ODD_CHARACTERS, numberEdges } from './odd-values.ts';
import { assertUnderstood, codePoints, cycleTo, mergeAllOf, patternRegex, reshape, typesOf, withKey, without, type GenerationOptions, type JsonSchema } from './schema.ts';
import { plainEmail, validNumber, validObject, validString, validValues } from './valid.ts';

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
