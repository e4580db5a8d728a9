/**
 * Walking an OpenAPI document: JSON Pointers, $ref chains, nullable wrappers, the operations and
 * their security requirements. Nodes carry their pointer so every change can say where it is.
 */
export type Obj = Record<string, unknown>;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const escape = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');
export const child = (pointer: string, ...segments: (string | number)[]) => [pointer, ...segments.map((s) => escape(String(s)))].join('/');
export const json = (v: unknown) => JSON.stringify(v);

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
export interface At {
  v: Obj | undefined;
  p: string;
  /** The human name of the value: a component name, `Component.field`, `field[]`, a parameter name. */
  name: string;
}

/** Follows `$ref`s to the node they name; a component schema reached this way lends the node its name. */
export function deref(doc: Obj, at: At): At {
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

/** `anyOf: [X, {type: 'null'}]` (how a nullable $ref is written in 3.1) is X plus null. */
export function unwrapNullable(doc: Obj, at: At): { at: At; nullable: boolean } {
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

/**
 * `allOf` of object schemas (how an extended component is written) as the one schema it means:
 * properties merged (a property in several members: their keywords together), `required`
 * united. Other `allOf`s are left for the comparison to report.
 */
export function mergeAllOf(doc: Obj, at: At): At {
  const members = at.v?.allOf;
  if (!Array.isArray(members)) return at;
  const resolved = members.map((m, i) => deref(doc, { v: m as Obj, p: child(at.p, 'allOf', i), name: at.name }).v);
  if (!resolved.every((m) => isObj(m) && (m.type === undefined || m.type === 'object') && !Array.isArray(m.allOf))) return at;
  const own = { ...at.v! };
  delete own.allOf;
  const properties: Obj = {};
  const required = new Set<string>();
  let merged: Obj = {};
  for (const member of [...(resolved as Obj[]), own]) {
    for (const [name, schema] of Object.entries((member.properties as Obj | undefined) ?? {})) {
      const known = properties[name];
      properties[name] = isObj(known) ? { ...(deref(doc, { v: known, p: '', name }).v ?? known), ...(deref(doc, { v: schema as Obj, p: '', name }).v ?? (schema as Obj)) } : schema;
    }
    for (const name of (member.required as string[] | undefined) ?? []) required.add(name);
    merged = { ...merged, ...member };
  }
  return { ...at, v: { ...merged, type: 'object', properties, required: [...required] } };
}

export interface Operation {
  id: string;
  label: string;
  at: At;
  /** Path-level and operation-level parameters, keyed by location and name (header names case-insensitive). */
  params: Map<string, At>;
}

/** Operations keyed by method and path template with parameter names blanked, so a renamed path parameter is a parameter change. */
export function operationsOf(doc: Obj): Map<string, Operation> {
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
export function requirements(doc: Obj, op: Obj): Record<string, string[]>[] {
  const list = (op.security ?? doc.security ?? []) as Record<string, string[]>[];
  return list.length === 0 ? [{}] : list.map((req) => Object.fromEntries(Object.entries(req).map(([k, v]) => [k, [...v].sort()])));
}

/** A security scheme's definition, without its description, for comparing. */
export function scheme(doc: Obj, name: string) {
  const s = ((doc.components as Obj | undefined)?.securitySchemes as Obj | undefined)?.[name];
  if (!isObj(s)) return null;
  const rest = { ...s };
  delete rest.description; // prose: not part of the contract
  return rest;
}

/** A security requirement in words, for messages. */
export const describeRequirement = (req: Record<string, string[]>) =>
  Object.keys(req).length === 0 ? 'anonymous requests' : Object.entries(req).map(([k, v]) => (v.length ? `${k} [${v.join(', ')}]` : k)).join(' + ');
