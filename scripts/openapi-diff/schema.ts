/**
 * Compares two schemas of the same value, following $refs into components and recursing into
 * properties, items, additionalProperties and anyOf/oneOf/allOf branches.
 *
 * Direction decides: a request schema breaks clients when it accepts less than before; a response schema
 * breaks them when it may send something the old one did not promise (a field gone, optional or null, or
 * another type). Additions are not breaking: clients tolerate unknown fields and enum values.
 */
import type { Findings, Where } from './findings.ts';
import { type At, type Obj, child, deref, isObj, json, mergeAllOf, unwrapNullable } from './resolve.ts';
import type { Direction, Rule } from './rules.ts';

/** The JSON types a schema admits, from `type` or else from its enum/const values; undefined means any. */
function typesOf(schema: Obj): Set<string> | undefined {
  if (schema.type !== undefined) return new Set([schema.type].flat() as string[]);
  const values = 'const' in schema ? [schema.const] : Array.isArray(schema.enum) ? schema.enum : undefined;
  if (!values) return undefined;
  return new Set(values.map((v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v)));
}
const covers = (set: Set<string> | undefined, type: string) => !set || set.has(type) || (type === 'integer' && set.has('number'));
const describeTypes = (set: Set<string> | undefined) => (set ? [...set].join(' | ') : 'any');

/** Keywords that bound a value from above and from below, and the types each one applies to. */
const UPPER = ['maxLength', 'maxItems', 'maxProperties', 'maximum', 'exclusiveMaximum'] as const;
const LOWER = ['minLength', 'minItems', 'minProperties', 'minimum', 'exclusiveMinimum'] as const;
const FAMILY: Record<string, string[]> = {
  maxLength: ['string'], minLength: ['string'], pattern: ['string'], format: ['string'],
  maxItems: ['array'], minItems: ['array'], uniqueItems: ['array'],
  maxProperties: ['object'], minProperties: ['object'],
  maximum: ['number', 'integer'], minimum: ['number', 'integer'], exclusiveMaximum: ['number', 'integer'],
  exclusiveMinimum: ['number', 'integer'], multipleOf: ['number', 'integer'],
};

/** Schema comparisons for one Differ; shares its Findings, so changes are attributed to the operation being compared. */
export class SchemaDiffer {
  private readonly stack = new Set<string>();
  private readonly base: Obj;
  private readonly head: Obj;
  private readonly findings: Findings;

  constructor(base: Obj, head: Obj, findings: Findings) {
    this.base = base;
    this.head = head;
    this.findings = findings;
  }

  private report(rule: Rule, at: Where, message: string) {
    this.findings.report(rule, at, message);
  }

  /** Reports how the value `hIn` (new document) differs from `bIn` (old document), as seen by a client in direction `dir`. */
  compare(bIn: At, hIn: At, dir: Direction) {
    const bd = deref(this.base, bIn);
    const hd = deref(this.head, hIn);
    if (!bd.v || !hd.v) return;
    const key = `${dir} ${bd.p} ${hd.p}`;
    if (this.stack.has(key)) return; // a recursive schema: this pair is already being compared
    this.stack.add(key);
    try {
      const { at: bu, nullable: bNull } = unwrapNullable(this.base, bd);
      const { at: hu, nullable: hNull } = unwrapNullable(this.head, hd);
      const [b, h] = [mergeAllOf(this.base, bu), mergeAllOf(this.head, hu)];
      if (!b.v || !h.v) return;
      // A response that is now one of several shapes, where it was one: fine if each may only send what the old one promised.
      if (dir === 'response' && this.splitIntoAlternatives(b, h)) return;
      // `anyOf: [$ref, null]` on one side: the nullability belongs to the referring field, not the component.
      const wrapped = bNull || hNull;
      this.types(b, h, bNull, hNull, dir, wrapped ? { b: { ...bIn, v: bd.v }, h: { ...hIn, v: hd.v } } : { b, h });
      this.combinators(b, h, dir);
      this.constraints(b, h, dir);
      this.enums(b, h, dir);
      this.properties(b, h, dir);
      if (isObj(b.v.items) && isObj(h.v.items)) {
        this.compare({ v: b.v.items, p: child(b.p, 'items'), name: `${b.name}[]` }, { v: h.v.items, p: child(h.p, 'items'), name: `${h.name}[]` }, dir);
      }
      if (isObj(b.v.additionalProperties) && isObj(h.v.additionalProperties)) {
        this.compare(
          { v: b.v.additionalProperties, p: child(b.p, 'additionalProperties'), name: `${b.name}{}` },
          { v: h.v.additionalProperties, p: child(h.p, 'additionalProperties'), name: `${h.name}{}` },
          dir,
        );
      }
      if (!b.v.deprecated && h.v.deprecated) this.report('field-deprecated', { h }, `\`${h.name}\` is deprecated.`);
    } finally {
      this.stack.delete(key);
    }
  }

  /** The old schema against each of the new `oneOf`/`anyOf` alternatives, when only the new one has them. */
  private splitIntoAlternatives(b: At, h: At): boolean {
    const key = (['oneOf', 'anyOf'] as const).find((k) => Array.isArray(h.v![k]) && !Array.isArray(b.v![k]));
    if (!key) return false;
    for (const [i, branch] of (h.v![key] as unknown[]).entries()) {
      this.compare(b, { v: branch as Obj, p: child(h.p, key, i), name: h.name }, 'response');
    }
    return true;
  }

  private types(b: At, h: At, bNull: boolean, hNull: boolean, dir: Direction, where: { b: At; h: At }) {
    const withNull = (set: Set<string> | undefined, nullable: boolean) => (set && nullable ? new Set([...set, 'null']) : set);
    const bt = withNull(typesOf(b.v!), bNull);
    const ht = withNull(typesOf(h.v!), hNull);
    const lost = bt ? [...bt].filter((t) => !covers(ht, t)) : ht ? ['any'] : [];
    const gained = ht ? [...ht].filter((t) => !covers(bt, t)) : bt ? ['any'] : [];
    if (lost.length === 0 && gained.length === 0) return;
    const change = `from ${describeTypes(bt)} to ${describeTypes(ht)}`;
    const name = where.h.name;
    if (dir === 'request') {
      if (lost.length > 0) this.report('request-type-narrowed', where, `Request value \`${name}\` changed type ${change}.`);
      else this.report('request-type-widened', where, `Request value \`${name}\` now also accepts ${gained.join(', ')} (${change}).`);
    } else if (gained.length === 1 && gained[0] === 'null') {
      this.report('response-field-made-nullable', where, `Response value \`${name}\` may now be null (${change}).`);
    } else if (gained.length > 0) {
      this.report('response-type-widened', where, `Response value \`${name}\` changed type ${change}.`);
    } else {
      this.report('response-type-narrowed', where, `Response value \`${name}\` is never ${lost.join(', ')} any more (${change}).`);
    }
  }

  /** anyOf/oneOf branches are matched by $ref or type; allOf members must match one to one. */
  private combinators(b: At, h: At, dir: Direction) {
    for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
      const bl = b.v![key];
      const hl = h.v![key];
      if (!Array.isArray(bl) && !Array.isArray(hl)) continue;
      if (!Array.isArray(bl) || !Array.isArray(hl) || (key === 'allOf' && bl.length !== hl.length)) {
        this.report('schema-restructured', { b, h }, `\`${h.name}\`: \`${key}\` was ${!Array.isArray(bl) ? 'added' : !Array.isArray(hl) ? 'removed' : 'changed'}.`);
        continue;
      }
      // A branch is known by its $ref, else by the constants that tell it apart (`event: post.created`), else by its type.
      const constants = (s: Obj) =>
        Object.entries((s.properties as Obj | undefined) ?? {})
          .filter(([, p]) => isObj(p) && 'const' in p)
          .map(([name, p]) => `${name}=${json((p as Obj).const)}`)
          .sort()
          .join(',');
      const signature = (s: unknown, i: number) =>
        isObj(s) ? (typeof s.$ref === 'string' ? s.$ref : constants(s) ? `${json(s.type)}{${constants(s)}}` : s.type !== undefined ? json(s.type) : `#${i}`) : `#${i}`;
      const hBySig = new Map(hl.map((s, i) => [key === 'allOf' ? `#${i}` : signature(s, i), i]));
      const matched = new Set<number>();
      for (const [i, s] of bl.entries()) {
        const j = hBySig.get(key === 'allOf' ? `#${i}` : signature(s, i));
        if (j === undefined) {
          // One alternative fewer: a request accepts less; a response sends less.
          if (dir === 'request') this.report('schema-restructured', { b, h }, `\`${h.name}\`: a \`${key}\` alternative was removed.`);
          continue;
        }
        matched.add(j);
        this.compare({ v: s as Obj, p: child(b.p, key, i), name: b.name }, { v: hl[j] as Obj, p: child(h.p, key, j), name: h.name }, dir);
      }
      if (dir === 'response' && hl.some((_, j) => !matched.has(j))) {
        this.report('schema-restructured', { b, h }, `\`${h.name}\`: a new \`${key}\` alternative may be sent.`);
      }
    }
  }

  private constraints(b: At, h: At, dir: Direction) {
    const [bt, ht] = [typesOf(b.v!), typesOf(h.v!)];
    const shared = (keyword: string) => FAMILY[keyword]!.some((t) => covers(bt, t) && covers(ht, t));
    const tightened: string[] = [];
    const relaxed: string[] = [];
    const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
    for (const k of UPPER) {
      if (!shared(k)) continue;
      const [bv, hv] = [num(b.v![k]), num(h.v![k])];
      if (hv !== undefined && (bv === undefined || hv < bv)) tightened.push(`${k} ${bv ?? 'none'} → ${hv}`);
      else if (bv !== undefined && (hv === undefined || hv > bv)) relaxed.push(`${k} ${bv} → ${hv ?? 'none'}`);
    }
    for (const k of LOWER) {
      if (!shared(k)) continue;
      const floor = k.startsWith('min') && k !== 'minimum' ? 0 : undefined;
      const [bv, hv] = [num(b.v![k]) ?? floor, num(h.v![k]) ?? floor];
      if (hv !== undefined && (bv === undefined || hv > bv)) tightened.push(`${k} ${bv ?? 'none'} → ${hv}`);
      else if (bv !== undefined && (hv === undefined || hv < bv)) relaxed.push(`${k} ${bv} → ${hv ?? 'none'}`);
    }
    if (shared('multipleOf') && b.v!.multipleOf !== h.v!.multipleOf) {
      const [bv, hv] = [num(b.v!.multipleOf), num(h.v!.multipleOf)];
      const looser = hv === undefined || (bv !== undefined && Number.isInteger(bv / hv));
      (looser ? relaxed : tightened).push(`multipleOf ${bv ?? 'none'} → ${hv ?? 'none'}`);
    }
    if (shared('pattern') && b.v!.pattern !== h.v!.pattern) {
      // Two regular expressions cannot be compared in general: a new or changed pattern counts as tighter.
      (h.v!.pattern === undefined ? relaxed : tightened).push(`pattern ${json(b.v!.pattern ?? null)} → ${json(h.v!.pattern ?? null)}`);
    }
    if (shared('uniqueItems') && Boolean(b.v!.uniqueItems) !== Boolean(h.v!.uniqueItems)) {
      (h.v!.uniqueItems ? tightened : relaxed).push(`uniqueItems ${Boolean(b.v!.uniqueItems)} → ${Boolean(h.v!.uniqueItems)}`);
    }
    const closed = (s: Obj) => s.additionalProperties === false || s.unevaluatedProperties === false;
    if (closed(b.v!) !== closed(h.v!)) (closed(h.v!) ? tightened : relaxed).push(`additionalProperties ${closed(b.v!) ? 'false' : 'allowed'} → ${closed(h.v!) ? 'false' : 'allowed'}`);
    if (shared('format') && b.v!.format !== h.v!.format) {
      this.report('format-changed', { b, h }, `\`${h.name}\`: format ${json(b.v!.format ?? null)} → ${json(h.v!.format ?? null)}.`);
    }
    if (dir === 'request' && json(b.v!.default) !== json(h.v!.default)) {
      this.report('request-default-changed', { b, h }, `\`${h.name}\`: default ${json(b.v!.default ?? null)} → ${json(h.v!.default ?? null)}.`);
    }
    const side = dir === 'request' ? 'Request' : 'Response';
    if (tightened.length > 0) this.report(`${dir}-constraint-tightened`, { b, h }, `${side} value \`${h.name}\`: ${tightened.join(', ')}.`);
    if (relaxed.length > 0) this.report(`${dir}-constraint-relaxed`, { b, h }, `${side} value \`${h.name}\`: ${relaxed.join(', ')}.`);
  }

  private enums(b: At, h: At, dir: Direction) {
    const values = (s: Obj) => ('const' in s ? [s.const] : Array.isArray(s.enum) ? s.enum : undefined);
    const bv = values(b.v!);
    const hv = values(h.v!);
    if (!bv && !hv) return;
    const side = dir === 'request' ? 'Request' : 'Response';
    if (!bv || !hv) {
      // A new enum (or const) narrows the values; dropping one widens them.
      const rule = !bv ? (`${dir}-constraint-tightened` as const) : (`${dir}-constraint-relaxed` as const);
      this.report(rule, { b, h }, `${side} value \`${h.name}\` ${bv ? 'is no longer limited to a list of values' : `is now limited to ${hv!.map(json).join(', ')}`}.`);
      return;
    }
    const bs = new Set(bv.map(json));
    const hs = new Set(hv.map(json));
    const removed = [...bs].filter((v) => !hs.has(v));
    const added = [...hs].filter((v) => !bs.has(v));
    if (removed.length > 0) this.report(`${dir}-enum-value-removed`, { b, h }, `${side} value \`${h.name}\` lost enum value${removed.length > 1 ? 's' : ''} ${removed.join(', ')}.`);
    if (added.length > 0) this.report(`${dir}-enum-value-added`, { b, h }, `${side} value \`${h.name}\` gained enum value${added.length > 1 ? 's' : ''} ${added.join(', ')}.`);
  }

  private properties(b: At, h: At, dir: Direction) {
    const bp = (b.v!.properties as Obj | undefined) ?? {};
    const hp = (h.v!.properties as Obj | undefined) ?? {};
    const bReq = new Set((b.v!.required as string[] | undefined) ?? []);
    const hReq = new Set((h.v!.required as string[] | undefined) ?? []);
    const side = dir === 'request' ? 'Request' : 'Response';
    const at = (s: At, name: string): At => ({ v: (s.v!.properties as Obj)[name] as Obj, p: child(s.p, 'properties', name), name: `${s.name}.${name}` });
    for (const name of Object.keys(bp)) {
      if (!(name in hp)) {
        this.report(`${dir}-field-removed`, { b: at(b, name) }, `${side} field \`${b.name}.${name}\` was removed.`);
        continue;
      }
      const [bAt, hAt] = [at(b, name), at(h, name)];
      if (!bReq.has(name) && hReq.has(name)) this.report(`${dir}-field-made-required`, { b: bAt, h: hAt }, `${side} field \`${hAt.name}\` became required.`);
      if (bReq.has(name) && !hReq.has(name)) this.report(`${dir}-field-made-optional`, { b: bAt, h: hAt }, `${side} field \`${hAt.name}\` became optional.`);
      this.compare(bAt, hAt, dir);
    }
    for (const name of Object.keys(hp)) {
      if (name in bp) continue;
      const hAt = at(h, name);
      if (dir === 'response') this.report('response-field-added', { h: hAt }, `New response field \`${hAt.name}\`.`);
      else if (hReq.has(name)) this.report('request-field-added-required', { h: hAt }, `New required request field \`${hAt.name}\`.`);
      else this.report('request-field-added-optional', { h: hAt }, `New optional request field \`${hAt.name}\`.`);
    }
  }
}
