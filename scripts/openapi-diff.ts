/**
 * `npm run openapi:diff [base] [head]`: compares openapi.json (head) with contracts/openapi.released.json
 * (base, the last release) and fails on a breaking change unless info.version's major part was raised.
 * `npm run release` (scripts/release.ts) writes the changelog from the same diff. `--rules` prints RULES.
 *
 * Why a checker of our own: Optic is not a dependency, and the `redocly diff` of the pinned CLI is
 * experimental and rates changes by its own table (a new enum value in a response is "major" there, while
 * DESIGN.md says clients tolerate unknown enum values). Here the rules are DESIGN.md's, in one table.
 *
 * Direction decides: a request schema breaks clients when it accepts less than before; a response schema
 * breaks them when it may send something the old one did not promise (a field gone, optional or null, or
 * another type). Additions are not breaking: clients tolerate unknown fields and enum values. Every $ref is
 * followed, so a change inside a component is reported once, at the component, with every operation it affects.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export type Severity = 'breaking' | 'non-breaking';
type Direction = 'request' | 'response';
type Obj = Record<string, unknown>;

/** What counts as breaking. Each rule has one severity; the changelog and the report use these ids. */
export const RULES = {
  'operation-removed': ['breaking', 'An operation (method and path) was removed, or its path changed.'],
  'operation-id-changed': ['breaking', 'An operationId was renamed (SDK method names change).'],
  'security-tightened': ['breaking', 'Credentials that were accepted are not any more: auth added, a scope added, a scheme changed or removed.'],
  'parameter-removed': ['breaking', 'A parameter was removed or renamed.'],
  'parameter-added-required': ['breaking', 'A new required parameter.'],
  'parameter-made-required': ['breaking', 'An optional parameter became required.'],
  'parameter-serialization-changed': ['breaking', 'A parameter’s style, explode or media type changed.'],
  'request-body-added-required': ['breaking', 'A required request body where there was none.'],
  'request-body-made-required': ['breaking', 'An optional request body became required.'],
  'request-body-removed': ['breaking', 'The request body was removed.'],
  'request-media-type-removed': ['breaking', 'A request media type is no longer accepted.'],
  'request-field-removed': ['breaking', 'A request field was removed or renamed.'],
  'request-field-added-required': ['breaking', 'A new required request field.'],
  'request-field-made-required': ['breaking', 'An optional request field became required.'],
  'request-type-narrowed': ['breaking', 'A request value no longer accepts a type it accepted (a changed type, null no longer allowed).'],
  'request-enum-value-removed': ['breaking', 'A request enum value was removed.'],
  'request-constraint-tightened': [
    'breaking',
    'Tighter request validation: lower maxLength/maxItems/maximum, higher minLength/minItems/minimum, a new or changed pattern, ' +
      'a new enum or const, multipleOf, uniqueItems, additionalProperties: false.',
  ],
  'format-changed': ['breaking', 'A `format` was added, removed or changed (validation and SDK types change).'],
  'schema-restructured': ['breaking', 'anyOf/oneOf/allOf changed in a way that cannot be shown to be compatible.'],
  'response-removed': ['breaking', 'A response status was removed.'],
  'response-media-type-removed': ['breaking', 'A response media type was removed.'],
  'response-field-removed': ['breaking', 'A response field was removed or renamed.'],
  'response-field-made-optional': ['breaking', 'A response field that was always sent became optional.'],
  'response-field-made-nullable': ['breaking', 'A response value may now be null.'],
  'response-type-widened': ['breaking', 'A response value may now be of another type.'],
  'response-header-removed': ['breaking', 'A response header was removed.'],
  'response-header-made-optional': ['breaking', 'A response header that was always sent became optional.'],

  'operation-added': ['non-breaking', 'A new operation.'],
  'operation-deprecated': ['non-breaking', 'An operation was deprecated.'],
  'security-relaxed': ['non-breaking', 'The operation accepts everything it accepted, and more.'],
  'parameter-added-optional': ['non-breaking', 'A new optional parameter.'],
  'parameter-made-optional': ['non-breaking', 'A required parameter became optional.'],
  'parameter-deprecated': ['non-breaking', 'A parameter was deprecated.'],
  'request-body-added-optional': ['non-breaking', 'An optional request body where there was none.'],
  'request-body-made-optional': ['non-breaking', 'A required request body became optional.'],
  'request-media-type-added': ['non-breaking', 'A new request media type.'],
  'request-field-added-optional': ['non-breaking', 'A new optional request field.'],
  'request-field-made-optional': ['non-breaking', 'A required request field became optional.'],
  'request-type-widened': ['non-breaking', 'A request value accepts more types (e.g. null).'],
  'request-enum-value-added': ['non-breaking', 'A new request enum value.'],
  'request-constraint-relaxed': ['non-breaking', 'Looser request validation.'],
  'request-default-changed': ['non-breaking', 'The default of an omitted request value changed (behaviour, not shape).'],
  'response-added': ['non-breaking', 'A new response status.'],
  'response-media-type-added': ['non-breaking', 'A new response media type.'],
  'response-field-added': ['non-breaking', 'A new response field (clients tolerate unknown fields).'],
  'response-field-made-required': ['non-breaking', 'An optional response field is now always sent.'],
  'response-type-narrowed': ['non-breaking', 'A response value is of fewer types than before (e.g. never null).'],
  'response-enum-value-added': ['non-breaking', 'A new response enum value (clients tolerate unknown enum values).'],
  'response-enum-value-removed': ['non-breaking', 'A response enum value is no longer sent.'],
  'response-constraint-tightened': ['non-breaking', 'Response values are more constrained than before.'],
  'response-constraint-relaxed': [
    'non-breaking',
    'Response values are less constrained (e.g. a higher maxLength): not breaking by DESIGN.md, listed for clients that size storage.',
  ],
  'response-header-added': ['non-breaking', 'A new response header.'],
  'field-deprecated': ['non-breaking', 'A field was deprecated.'],
} as const satisfies Record<string, readonly [Severity, string]>;

export type Rule = keyof typeof RULES;

export interface Change {
  rule: Rule;
  severity: Severity;
  /** JSON Pointer (URI fragment) of the changed node: in the new document, or in the old one when the node is gone. */
  pointer: string;
  document: 'base' | 'head';
  message: string;
  /** operationIds of the operations whose contract the change affects. */
  operations: string[];
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const escape = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');
const child = (pointer: string, ...segments: (string | number)[]) => [pointer, ...segments.map((s) => escape(String(s)))].join('/');
const json = (v: unknown) => JSON.stringify(v);

/** Follows a JSON Pointer (`#/a/b`) into a document. */
export function resolvePointer(doc: unknown, pointer: string): unknown {
  if (!pointer.startsWith('#')) throw new Error(`only local references are supported: ${pointer}`);
  return pointer
    .slice(1)
    .split('/')
    .slice(1)
    .map((s) => decodeURIComponent(s).replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, key) => (isObj(node) || Array.isArray(node) ? (node as Obj)[key] : undefined), doc);
}

/** A node of one document, with where it is. */
interface At {
  v: Obj | undefined;
  p: string;
  /** The human name of the value: a component name, `Component.field`, `field[]`, a parameter name. */
  name: string;
}

function deref(doc: Obj, at: At): At {
  let { v, p, name } = at;
  for (let hops = 0; isObj(v) && typeof v.$ref === 'string'; hops++) {
    if (hops > 32) throw new Error(`$ref loop at ${p}`);
    p = v.$ref;
    const match = /^#\/components\/schemas\/([^/]+)$/.exec(p);
    if (match) name = match[1]!.replace(/~1/g, '/').replace(/~0/g, '~');
    const target = resolvePointer(doc, p);
    v = isObj(target) ? target : undefined;
  }
  return { v, p, name };
}

function typesOf(schema: Obj): Set<string> | undefined {
  if (schema.type !== undefined) return new Set([schema.type].flat() as string[]);
  const values = 'const' in schema ? [schema.const] : Array.isArray(schema.enum) ? schema.enum : undefined;
  if (!values) return undefined;
  return new Set(values.map((v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v)));
}
const covers = (set: Set<string> | undefined, type: string) => !set || set.has(type) || (type === 'integer' && set.has('number'));
const describeTypes = (set: Set<string> | undefined) => (set ? [...set].join(' | ') : 'any');

/** `anyOf: [X, {type: 'null'}]` (how a nullable $ref is written in 3.1) is X plus null. */
function unwrapNullable(doc: Obj, at: At): { at: At; nullable: boolean } {
  const v = at.v;
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = v?.[key];
    if (Array.isArray(branches) && branches.length === 2) {
      const i = branches.findIndex((b) => isObj(b) && b.type === 'null' && Object.keys(b).length === 1);
      if (i >= 0) return { at: deref(doc, { v: branches[1 - i] as Obj, p: child(at.p, key, 1 - i), name: at.name }), nullable: true };
    }
  }
  return { at, nullable: false };
}

const UPPER = ['maxLength', 'maxItems', 'maxProperties', 'maximum', 'exclusiveMaximum'] as const;
const LOWER = ['minLength', 'minItems', 'minProperties', 'minimum', 'exclusiveMinimum'] as const;
const FAMILY: Record<string, string[]> = {
  maxLength: ['string'], minLength: ['string'], pattern: ['string'], format: ['string'],
  maxItems: ['array'], minItems: ['array'], uniqueItems: ['array'],
  maxProperties: ['object'], minProperties: ['object'],
  maximum: ['number', 'integer'], minimum: ['number', 'integer'], exclusiveMaximum: ['number', 'integer'],
  exclusiveMinimum: ['number', 'integer'], multipleOf: ['number', 'integer'],
};

class Differ {
  private readonly found = new Map<string, Change>();
  private readonly stack = new Set<string>();
  private readonly base: Obj;
  private readonly head: Obj;
  /** The operation being compared: every change found is attributed to it. */
  private operation = '';

  constructor(base: Obj, head: Obj) {
    this.base = base;
    this.head = head;
  }

  changes(): Change[] {
    return [...this.found.values()].sort(
      (a, b) => (a.severity === b.severity ? 0 : a.severity === 'breaking' ? -1 : 1) || a.pointer.localeCompare(b.pointer) || a.rule.localeCompare(b.rule),
    );
  }

  private report(rule: Rule, at: { b?: At; h?: At }, message: string) {
    const document = at.h?.v !== undefined || !at.b ? 'head' : 'base';
    const pointer = (document === 'head' ? at.h?.p : at.b?.p) ?? '#';
    const key = [rule, document, pointer, message].join('\u0000');
    const existing = this.found.get(key);
    if (existing) {
      if (this.operation && !existing.operations.includes(this.operation)) existing.operations.push(this.operation);
    } else {
      this.found.set(key, { rule, severity: RULES[rule][0], pointer, document, message, operations: this.operation ? [this.operation] : [] });
    }
  }

  run(): Change[] {
    const baseOps = operationsOf(this.base);
    const headOps = operationsOf(this.head);
    for (const [key, b] of baseOps) {
      const h = headOps.get(key);
      this.operation = b.id;
      if (!h) {
        this.report('operation-removed', { b: b.at }, `Operation \`${b.id}\` (${b.label}) was removed.`);
        continue;
      }
      this.operation = h.id;
      if (b.id !== h.id) this.report('operation-id-changed', { b: b.at, h: h.at }, `operationId \`${b.id}\` was renamed to \`${h.id}\` (${h.label}).`);
      if (!b.at.v!.deprecated && h.at.v!.deprecated) this.report('operation-deprecated', { h: h.at }, `Operation \`${h.id}\` (${h.label}) is deprecated.`);
      this.security(b, h);
      this.parameters(b, h);
      this.requestBody(b, h);
      this.responses(b, h);
    }
    for (const [key, h] of headOps) {
      this.operation = h.id;
      if (!baseOps.has(key)) this.report('operation-added', { h: h.at }, `New operation \`${h.id}\` (${h.label}).`);
    }
    return this.changes();
  }

  // ---- security ----

  private security(b: Operation, h: Operation) {
    const bReqs = requirements(this.base, b.at.v!);
    const hReqs = requirements(this.head, h.at.v!);
    const schemes = (doc: Obj, reqs: typeof bReqs) => json(reqs.map((r) => Object.keys(r).map((name) => scheme(doc, name))));
    if (json(bReqs) === json(hReqs) && schemes(this.base, bReqs) === schemes(this.head, hReqs)) return;
    const at = { b: child(b.at.p, 'security'), h: child(h.at.p, 'security') };
    const where = { b: { v: b.at.v, p: at.b, name: '' }, h: { v: h.at.v, p: h.at.v!.security ? at.h : h.at.p, name: '' } };
    // Every set of credentials that satisfied one of the old alternatives must satisfy one of the new ones.
    // Credentials of a scheme whose definition changed are not accepted any more, even where anonymous requests are.
    const changed = [...new Set(bReqs.flatMap(Object.keys))].filter((name) => json(scheme(this.base, name)) !== json(scheme(this.head, name)));
    const accepted = (client: Record<string, string[]>) =>
      Object.keys(client).every((name) => !changed.includes(name)) &&
      hReqs.some((req) => Object.entries(req).every(([name, scopes]) => client[name] !== undefined && scopes.every((s) => client[name]!.includes(s))));
    const rejected = bReqs.filter((req) => !accepted(req));
    if (rejected.length > 0) {
      const why = changed.length ? ` (security scheme ${changed.map((n) => `\`${n}\``).join(', ')} changed)` : '';
      this.report('security-tightened', where, `\`${h.id}\` no longer accepts ${rejected.map(describeRequirement).join(' or ')}${why}; it now requires ${hReqs.map(describeRequirement).join(' or ')}.`);
    } else {
      this.report('security-relaxed', where, `\`${h.id}\` now accepts ${hReqs.map(describeRequirement).join(' or ')}.`);
    }
  }

  // ---- parameters ----

  private parameters(b: Operation, h: Operation) {
    for (const [key, bp] of b.params) {
      const hp = h.params.get(key);
      const label = `${bp.v!.in} parameter \`${bp.v!.name}\``;
      if (!hp) {
        this.report('parameter-removed', { b: bp }, `${capitalize(label)} of \`${h.id}\` was removed.`);
        continue;
      }
      if (!bp.v!.required && hp.v!.required) this.report('parameter-made-required', { b: bp, h: hp }, `${capitalize(label)} of \`${h.id}\` became required.`);
      if (bp.v!.required && !hp.v!.required) this.report('parameter-made-optional', { b: bp, h: hp }, `${capitalize(label)} of \`${h.id}\` became optional.`);
      if (!bp.v!.deprecated && hp.v!.deprecated) this.report('parameter-deprecated', { h: hp }, `${capitalize(label)} of \`${h.id}\` is deprecated.`);
      const serialization = (p: Obj) => json([p.style, p.explode, p.allowReserved, p.content ? Object.keys(p.content).sort() : undefined]);
      if (serialization(bp.v!) !== serialization(hp.v!)) this.report('parameter-serialization-changed', { b: bp, h: hp }, `${capitalize(label)} of \`${h.id}\` is serialized differently.`);
      const schemaOf = (p: At): At => {
        if (isObj(p.v!.schema)) return { v: p.v!.schema, p: child(p.p, 'schema'), name: String(p.v!.name) };
        const [type, media] = Object.entries((p.v!.content as Obj | undefined) ?? {})[0] ?? [];
        return { v: isObj(media) && isObj(media.schema) ? media.schema : undefined, p: child(p.p, 'content', type ?? '', 'schema'), name: String(p.v!.name) };
      };
      this.schema(schemaOf(bp), schemaOf(hp), 'request');
    }
    for (const [key, hp] of h.params) {
      if (b.params.has(key)) continue;
      const label = `${hp.v!.in} parameter \`${hp.v!.name}\``;
      if (hp.v!.required) this.report('parameter-added-required', { h: hp }, `New required ${label} on \`${h.id}\`.`);
      else this.report('parameter-added-optional', { h: hp }, `New optional ${label} on \`${h.id}\`.`);
    }
  }

  // ---- request body ----

  private requestBody(b: Operation, h: Operation) {
    const bb = deref(this.base, { v: b.at.v!.requestBody as Obj | undefined, p: child(b.at.p, 'requestBody'), name: '' });
    const hb = deref(this.head, { v: h.at.v!.requestBody as Obj | undefined, p: child(h.at.p, 'requestBody'), name: '' });
    if (!bb.v && !hb.v) return;
    if (!hb.v) return this.report('request-body-removed', { b: bb }, `\`${h.id}\` no longer takes a request body.`);
    if (!bb.v) {
      if (hb.v.required) this.report('request-body-added-required', { h: hb }, `\`${h.id}\` now requires a request body.`);
      else this.report('request-body-added-optional', { h: hb }, `\`${h.id}\` now takes an optional request body.`);
      return;
    }
    if (!bb.v.required && hb.v.required) this.report('request-body-made-required', { b: bb, h: hb }, `The request body of \`${h.id}\` became required.`);
    if (bb.v.required && !hb.v.required) this.report('request-body-made-optional', { b: bb, h: hb }, `The request body of \`${h.id}\` became optional.`);
    this.content(bb, hb, 'request', `request body of \`${h.id}\``, `${h.id} request`);
  }

  private content(b: At, h: At, dir: Direction, label: string, root: string) {
    const bc = (b.v!.content as Obj | undefined) ?? {};
    const hc = (h.v!.content as Obj | undefined) ?? {};
    for (const [type, media] of Object.entries(bc)) {
      const at = { v: media as Obj, p: child(b.p, 'content', type), name: '' };
      if (!(type in hc)) {
        this.report(`${dir}-media-type-removed`, { b: at }, `The ${label} is no longer offered as \`${type}\`.`);
        continue;
      }
      const hm = hc[type] as Obj;
      const name = `${root} ${type}`;
      this.schema(
        { v: (media as Obj).schema as Obj | undefined, p: child(b.p, 'content', type, 'schema'), name },
        { v: hm.schema as Obj | undefined, p: child(h.p, 'content', type, 'schema'), name },
        dir,
      );
    }
    for (const type of Object.keys(hc)) {
      if (!(type in bc)) this.report(`${dir}-media-type-added`, { h: { v: hc[type] as Obj, p: child(h.p, 'content', type), name: '' } }, `The ${label} is now also offered as \`${type}\`.`);
    }
  }

  // ---- responses ----

  private responses(b: Operation, h: Operation) {
    const br = (b.at.v!.responses as Obj | undefined) ?? {};
    const hr = (h.at.v!.responses as Obj | undefined) ?? {};
    for (const [status, response] of Object.entries(br)) {
      const bAt = deref(this.base, { v: response as Obj, p: child(b.at.p, 'responses', status), name: '' });
      if (!(status in hr)) {
        this.report('response-removed', { b: bAt }, `\`${h.id}\` no longer documents the ${status} response.`);
        continue;
      }
      const hAt = deref(this.head, { v: hr[status] as Obj, p: child(h.at.p, 'responses', status), name: '' });
      this.content(bAt, hAt, 'response', `${status} response of \`${h.id}\``, `${h.id} ${status}`);
      this.headers(bAt, hAt, `${status} response of \`${h.id}\``);
    }
    for (const status of Object.keys(hr)) {
      if (!(status in br)) this.report('response-added', { h: { v: hr[status] as Obj, p: child(h.at.p, 'responses', status), name: '' } }, `\`${h.id}\` documents a new ${status} response.`);
    }
  }

  private headers(b: At, h: At, label: string) {
    const index = (doc: Obj, at: At) =>
      new Map(
        Object.entries((at.v!.headers as Obj | undefined) ?? {}).map(([name, header]) => [
          name.toLowerCase(),
          { name, at: deref(doc, { v: header as Obj, p: child(at.p, 'headers', name), name }) },
        ]),
      );
    const bh = index(this.base, b);
    const hh = index(this.head, h);
    for (const [key, { name, at }] of bh) {
      const other = hh.get(key);
      if (!other) {
        this.report('response-header-removed', { b: at }, `The ${label} no longer has the \`${name}\` header.`);
        continue;
      }
      if (at.v!.required && !other.at.v!.required) this.report('response-header-made-optional', { b: at, h: other.at }, `The \`${name}\` header of the ${label} became optional.`);
      this.schema({ v: at.v!.schema as Obj | undefined, p: child(at.p, 'schema'), name }, { v: other.at.v!.schema as Obj | undefined, p: child(other.at.p, 'schema'), name }, 'response');
    }
    for (const [key, { name, at }] of hh) {
      if (!bh.has(key)) this.report('response-header-added', { h: at }, `The ${label} has a new \`${name}\` header.`);
    }
  }

  // ---- schemas ----

  private schema(bIn: At, hIn: At, dir: Direction) {
    const bd = deref(this.base, bIn);
    const hd = deref(this.head, hIn);
    if (!bd.v || !hd.v) return;
    const key = `${dir} ${bd.p} ${hd.p}`;
    if (this.stack.has(key)) return; // a recursive schema: this pair is already being compared
    this.stack.add(key);
    try {
      const { at: b, nullable: bNull } = unwrapNullable(this.base, bd);
      const { at: h, nullable: hNull } = unwrapNullable(this.head, hd);
      if (!b.v || !h.v) return;
      // `anyOf: [$ref, null]` on one side: the nullability belongs to the referring field, not the component.
      const wrapped = bNull || hNull;
      this.types(b, h, bNull, hNull, dir, wrapped ? { b: { ...bIn, v: bd.v }, h: { ...hIn, v: hd.v } } : { b, h });
      this.combinators(b, h, dir);
      this.constraints(b, h, dir);
      this.enums(b, h, dir);
      this.properties(b, h, dir);
      if (isObj(b.v.items) && isObj(h.v.items)) {
        this.schema({ v: b.v.items, p: child(b.p, 'items'), name: `${b.name}[]` }, { v: h.v.items, p: child(h.p, 'items'), name: `${h.name}[]` }, dir);
      }
      if (isObj(b.v.additionalProperties) && isObj(h.v.additionalProperties)) {
        this.schema(
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
      const signature = (s: unknown, i: number) => (isObj(s) ? (typeof s.$ref === 'string' ? s.$ref : s.type !== undefined ? json(s.type) : `#${i}`) : `#${i}`);
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
        this.schema({ v: s as Obj, p: child(b.p, key, i), name: b.name }, { v: hl[j] as Obj, p: child(h.p, key, j), name: h.name }, dir);
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
      this.schema(bAt, hAt, dir);
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

interface Operation {
  id: string;
  label: string;
  at: At;
  /** Path-level and operation-level parameters, keyed by location and name (header names case-insensitive). */
  params: Map<string, At>;
}

/** Operations keyed by method and path template with parameter names blanked, so a renamed path parameter is a parameter change. */
function operationsOf(doc: Obj): Map<string, Operation> {
  const out = new Map<string, Operation>();
  for (const [path, item] of Object.entries((doc.paths as Obj | undefined) ?? {})) {
    if (!isObj(item)) continue;
    const itemPointer = child('#', 'paths', path);
    for (const method of METHODS) {
      const op = item[method];
      if (!isObj(op)) continue;
      const at: At = { v: op, p: child(itemPointer, method), name: '' };
      const params = new Map<string, At>();
      const collect = (list: unknown, pointer: string) => {
        for (const [i, raw] of (Array.isArray(list) ? list : []).entries()) {
          const p = deref(doc, { v: raw as Obj, p: child(pointer, i), name: '' });
          if (!p.v) continue;
          const name = String(p.v.name);
          params.set(`${p.v.in}:${p.v.in === 'header' ? name.toLowerCase() : name}`, { ...p, name });
        }
      };
      collect(item.parameters, child(itemPointer, 'parameters'));
      collect(op.parameters, child(at.p, 'parameters'));
      const label = `${method.toUpperCase()} ${path}`;
      out.set(`${method.toUpperCase()} ${path.replace(/\{[^}]*\}/g, '{}')}`, { id: typeof op.operationId === 'string' ? op.operationId : label, label, at, params });
    }
  }
  return out;
}

/** The alternatives a client may satisfy; `{}` is "no credentials". */
function requirements(doc: Obj, op: Obj): Record<string, string[]>[] {
  const list = (op.security ?? doc.security ?? []) as Record<string, string[]>[];
  return list.length === 0 ? [{}] : list.map((req) => Object.fromEntries(Object.entries(req).map(([k, v]) => [k, [...v].sort()])));
}

function scheme(doc: Obj, name: string) {
  const s = ((doc.components as Obj | undefined)?.securitySchemes as Obj | undefined)?.[name];
  if (!isObj(s)) return null;
  const rest = { ...s };
  delete rest.description; // prose: not part of the contract
  return rest;
}

const describeRequirement = (req: Record<string, string[]>) =>
  Object.keys(req).length === 0 ? 'anonymous requests' : Object.entries(req).map(([k, v]) => (v.length ? `${k} [${v.join(', ')}]` : k)).join(' + ');
const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Every contract change from `base` to `head`, breaking first. */
export function diffDocuments(base: object, head: object): Change[] {
  return new Differ(base as Obj, head as Obj).run();
}

export interface Verdict {
  ok: boolean;
  breaking: Change[];
  nonBreaking: Change[];
  baseVersion: string;
  headVersion: string;
  summary: string;
}

const semver = (v: unknown): [number, number, number] => {
  const m = /^(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$/.exec(String(v));
  if (!m) throw new Error(`info.version is not semantic (MAJOR.MINOR.PATCH): ${json(v)}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
};
export const compareVersions = (a: string, b: string) => {
  const [x, y] = [semver(a), semver(b)];
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
};

/** Breaking changes pass only when info.version's major part was raised. */
export function verdict(base: object, head: object, changes: readonly Change[] = diffDocuments(base, head)): Verdict {
  const baseVersion = String((base as { info?: { version?: unknown } }).info?.version);
  const headVersion = String((head as { info?: { version?: unknown } }).info?.version);
  const breaking = changes.filter((c) => c.severity === 'breaking');
  const nonBreaking = changes.filter((c) => c.severity === 'non-breaking');
  const majorRaised = semver(headVersion)[0] > semver(baseVersion)[0];
  const ok = breaking.length === 0 || majorRaised;
  const summary =
    breaking.length === 0
      ? `No breaking changes (${nonBreaking.length} non-breaking).`
      : majorRaised
        ? `${breaking.length} breaking change(s), allowed: the major version was raised (${baseVersion} → ${headVersion}).`
        : `${breaking.length} breaking change(s) without a major version bump (${baseVersion} → ${headVersion}). ` +
          'Make the change compatible, or raise the major version (API_VERSION in contracts/document.ts, and the /api/vN path).';
  return { ok, breaking, nonBreaking, baseVersion, headVersion, summary };
}

const line = (c: Change) =>
  `  ${c.severity === 'breaking' ? '✖' : '✔'} ${c.rule}  ${c.pointer}${c.document === 'base' ? ' (in the released document)' : ''}\n` +
  `      ${c.message}${c.operations.length ? `  [${c.operations.join(', ')}]` : ''}`;

export function formatReport(v: Verdict, names = { base: 'base', head: 'head' }): string {
  const out = [`${names.base} (${v.baseVersion}) → ${names.head} (${v.headVersion})`, ''];
  out.push(`Breaking changes: ${v.breaking.length}`, ...v.breaking.map(line), '');
  out.push(`Non-breaking changes: ${v.nonBreaking.length}`, ...v.nonBreaking.map(line), '');
  out.push(`${v.ok ? '✅' : '❌'} ${v.summary}`);
  return out.join('\n');
}

const bullet = (c: Change) => `- ${c.message}${c.operations.length ? ` (${c.operations.map((o) => `\`${o}\``).join(', ')})` : ''} — \`${c.rule}\` at \`${c.pointer}\``;

/** One CHANGELOG.md section; `changes` undefined means there is no earlier release. */
export function changelogSection(version: string, date: string, changes: readonly Change[] | undefined): string {
  const out = [`## ${version} — ${date}`, ''];
  if (!changes) {
    out.push('Initial release.');
  } else if (changes.length === 0) {
    out.push('No contract changes (descriptions or examples only).');
  } else {
    const breaking = changes.filter((c) => c.severity === 'breaking');
    const nonBreaking = changes.filter((c) => c.severity === 'non-breaking');
    if (nonBreaking.length) out.push('### Non-breaking changes', '', ...nonBreaking.map(bullet), '');
    if (breaking.length) out.push('### Breaking changes', '', ...breaking.map(bullet), '');
    while (out.at(-1) === '') out.pop();
  }
  return `${out.join('\n')}\n`;
}

export const DOCUMENT = new URL('../openapi.json', import.meta.url);
export const BASELINE = new URL('../contracts/openapi.released.json', import.meta.url);

function main(args: string[]) {
  if (args.includes('--rules')) {
    for (const severity of ['breaking', 'non-breaking'] as const) {
      console.log(`${severity}:`);
      for (const [rule, [s, text]] of Object.entries(RULES)) if (s === severity) console.log(`  ${rule.padEnd(34)} ${text}`);
    }
    return 0;
  }
  const [basePath, headPath] = args.filter((a) => !a.startsWith('--'));
  const baseUrl = basePath ? pathToFileURL(basePath) : BASELINE;
  const headUrl = headPath ? pathToFileURL(headPath) : DOCUMENT;
  let base: object;
  try {
    base = JSON.parse(readFileSync(baseUrl, 'utf8'));
  } catch (error) {
    console.error(`Cannot read the released document ${baseUrl.pathname}: ${(error as Error).message}\nRun \`npm run release\` to create it.`);
    return 2;
  }
  const head = JSON.parse(readFileSync(headUrl, 'utf8'));
  const result = verdict(base, head);
  console.log(formatReport(result, { base: basePath ?? 'contracts/openapi.released.json', head: headPath ?? 'openapi.json' }));
  return result.ok ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = main(process.argv.slice(2));
