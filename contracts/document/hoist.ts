/**
 * Moves what repeats across operations into `components` and refers to it there: response
 * headers, parameters and problem responses that are the same object in several places. The
 * contracts say each thing once; without this the generator would write it out in every
 * operation (the document was 478 KB for 18 operations). Nothing changes in meaning: each `$ref`
 * points at exactly the object it replaces, and an object that appears once stays where it is.
 */
type Json = Record<string, unknown>;
type Document = { paths: Record<string, Record<string, Json>>; components?: Record<string, Record<string, unknown>> };

const pascal = (text: string) => text.replace(/(^|[^A-Za-z0-9]+)([A-Za-z0-9])/g, (_, __, c: string) => c.toUpperCase());

/** Counts equal objects by their JSON; names those that repeat, and replaces them by a `$ref`. */
class Hoister {
  readonly #seen = new Map<string, { key: string; value: Json; count: number; name?: string }>();

  readonly kind: 'headers' | 'parameters' | 'responses';
  readonly name: (value: Json, key: string) => string;

  constructor(kind: 'headers' | 'parameters' | 'responses', name: (value: Json, key: string) => string) {
    this.kind = kind;
    this.name = name;
  }

  count(value: Json, key: string) {
    const json = JSON.stringify(value);
    const entry = this.#seen.get(json);
    if (entry) entry.count++;
    else this.#seen.set(json, { key, value, count: 1 });
  }

  /** Names what repeats, in order of first appearance; two different objects wanting one name get numbers. */
  #named = false;
  #name() {
    if (this.#named) return;
    this.#named = true;
    const taken = new Set<string>();
    for (const entry of this.#seen.values()) {
      if (entry.count < 2) continue;
      const base = this.name(entry.value, entry.key);
      let name = base;
      for (let n = 2; taken.has(name); n++) name = `${base}${n}`;
      taken.add(name);
      entry.name = name;
    }
  }

  ref(value: Json): Json {
    this.#name();
    const name = this.#seen.get(JSON.stringify(value))?.name;
    return name ? { $ref: `#/components/${this.kind}/${name}` } : value;
  }

  components(): Record<string, unknown> {
    this.#name();
    const named = [...this.#seen.values()].filter((e) => e.name).sort((a, b) => a.name!.localeCompare(b.name!));
    return Object.fromEntries(named.map((e) => [e.name!, e.value]));
  }
}

function* operationsOf(document: Document): Generator<Json> {
  for (const item of Object.values(document.paths)) yield* Object.values(item);
}

export function hoistRepeated(document: Document): Document {
  const headers = new Hoister('headers', (_, key) => pascal(key));
  const parameters = new Hoister('parameters', (value) => pascal(String(value.name)));
  // Problem responses, named by their codes: `Problem409SlugTaken`.
  const responses = new Hoister('responses', (value, status) => {
    const content = (value.content as Record<string, { schema?: Json; example?: Json; examples?: Record<string, unknown> }>)['application/problem+json'];
    const codes = content?.examples ? Object.keys(content.examples) : [String(content?.example?.code)];
    return `Problem${status}${codes.map(pascal).join('Or')}`;
  });
  const isProblem = (response: Json) => Boolean((response.content as Json | undefined)?.['application/problem+json']);

  // Pass 1: count. Pass 2: replace what repeats. Headers first, so equal responses compare equal.
  const each = (visit: (op: Json) => void) => {
    for (const op of operationsOf(document)) visit(op);
  };
  const responsesOf = (op: Json) => Object.entries((op.responses ?? {}) as Record<string, Json>);
  each((op) => {
    for (const p of (op.parameters ?? []) as Json[]) parameters.count(p, String(p.name));
    for (const [, response] of responsesOf(op)) for (const [name, h] of Object.entries((response.headers ?? {}) as Record<string, Json>)) headers.count(h, name);
  });
  each((op) => {
    if (op.parameters) op.parameters = (op.parameters as Json[]).map((p) => parameters.ref(p));
    for (const [, response] of responsesOf(op)) {
      if (response.headers) response.headers = Object.fromEntries(Object.entries(response.headers as Record<string, Json>).map(([n, h]) => [n, headers.ref(h)]));
    }
  });
  each((op) => {
    for (const [status, response] of responsesOf(op)) if (isProblem(response)) responses.count(response, status);
  });
  each((op) => {
    for (const [status, response] of responsesOf(op)) if (isProblem(response)) (op.responses as Json)[status] = responses.ref(response);
  });

  const components = { ...document.components };
  for (const hoister of [headers, parameters, responses]) {
    const found = hoister.components();
    if (Object.keys(found).length > 0) components[hoister.kind] = { ...components[hoister.kind], ...found };
  }
  return { ...document, components: sortKeys(components) };
}

function sortKeys<T extends Record<string, unknown>>(object: T): T {
  return Object.fromEntries(Object.entries(object).sort(([a], [b]) => a.localeCompare(b))) as T;
}
