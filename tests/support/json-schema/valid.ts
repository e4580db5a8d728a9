/** `validValues(schema)`: fast-check arbitraries of values a JSON Schema accepts (boundaries included). */
import fc from 'fast-check';
import { assertUnderstood, codePoints, mergeAllOf, patternRegex, reshape, typesOf, withKey, withoutLookarounds, type GenerationOptions, type JsonSchema } from './schema.ts';

const EMAIL_DOMAINS = ['example.com', 'folio.test', 'mail.example.org', 'x-y.example.co.uk'];

/** Addresses every email validator in use agrees on: dot-atom local parts, letter TLDs. */
export function plainEmail(): fc.Arbitrary<string> {
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

export function validString(schema: JsonSchema): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? min + 40;
  const pattern = schema.pattern ? patternRegex(schema.pattern) : undefined;
  let base: fc.Arbitrary<string>;
  if (schema.format === 'email') {
    base = fc.oneof(plainEmail(), fc.emailAddress()).filter((s) => codePoints(s) >= min && codePoints(s) <= max);
    return pattern ? base.filter((s) => pattern.test(s)) : base;
  }
  if (schema.format === 'date-time') return dateTime();
  // fast-check cannot generate lookarounds: generate without them, keep what the real pattern accepts (as Hypothesis does).
  if (pattern) base = fc.stringMatching(withoutLookarounds(pattern), { maxLength: max }).filter((s) => pattern.test(s));
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

export function validNumber(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
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

export function validObject(schema: JsonSchema, options: GenerationOptions): fc.Arbitrary<Record<string, unknown>> {
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
        throw new Error(`json-schema: type "${type}" is not supported`);
    }
  });
  return byType.length === 1 ? byType[0]! : fc.oneof(...byType);
}
