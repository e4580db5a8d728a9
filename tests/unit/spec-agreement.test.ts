/**
 * The committed OpenAPI document and the runtime agree, both ways, on what a valid request is.
 *
 * For every operation and every request part it declares (path parameters, query, headers as
 * the binding reads them, the JSON body), the JSON Schema is taken from the committed
 * openapi.json ($refs resolved against its components) and:
 *
 *   (a) values generated FROM THE JSON SCHEMA are all accepted by the runtime;
 *   (b) values NEAR the schema (valid ones and single mutations of them) are accepted by Ajv
 *       (JSON Schema 2020-12 with formats) exactly when the runtime accepts them.
 *
 * Each runs a deterministic list of edge cases first (tests/support/json-schema/edges.ts,
 * `edgeCases`), then RUNS random values with a fixed seed.
 *
 * "The runtime" is server/http/parse-request.ts — the Zod contracts as the binding applies them —
 * fed what the value becomes on the wire: query values rendered into a real URL and read back
 * (repeatable parameters as arrays, numbers as text), headers through `Headers` (which trims and
 * refuses some values), path parameters URI-encoded, bodies as JSON text. Ajv sees the same wire
 * value, deserialised as an OpenAPI validator would: a text is a number only when it is that
 * number's canonical form (`5`, not `05` or `5.0`), repeated parameters are arrays.
 *
 * A rule one side has and the other lacks fails with the operation, part, value and the side that
 * accepted it. There is no allow-list: a disagreement is fixed in the contract, not excused here.
 */
import { readFileSync } from 'node:fs';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import isEmail from 'validator/lib/isEmail.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { operations as all } from '../../contracts/index.ts';
import type { OperationSpec } from '../../contracts/operation.ts';
import { requestHeaders } from '../../contracts/shared/protocol.ts';
import { AppError } from '../../server/errors.ts';
import type { FieldIssue } from '../../server/http/issues.ts';
import { parseRequest } from '../../server/http/parse-request.ts';
import type { RawBody } from '../../server/http/types.ts';
import { edgeCases } from '../support/json-schema/edges.ts';
import { nearValues } from '../support/json-schema/near.ts';
import { codePoints, resolveRefs, typesOf, type JsonSchema } from '../support/json-schema/schema.ts';
import { validValues } from '../support/json-schema/valid.ts';

const SEED = 20261121;
/**
 * Random runs per schema and property, after that schema's systematic edge cases (bounds, one past
 * them, odd characters, wrong types, dropped and extra fields at every location). 27 request parts
 * × 2 properties take about 7–13 s.
 */
const RUNS = Number(process.env.SPEC_AGREEMENT_RUNS ?? 300);

const operations: readonly OperationSpec[] = all;
const document = JSON.parse(readFileSync(new URL('../../openapi.json', import.meta.url), 'utf8'));

const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false });
addFormats(ajv);
// `format: email` as the validators our consumers use read it, not only Ajv's syntax check:
// validator.js (isEmail: local part ≤ 64, a letter TLD, …) as well as ajv-formats' full regex.
ajv.addFormat('email', (value: string) => (fullFormats.email as RegExp).test(value) && isEmail(value));
ajv.addKeyword('example');

type PartName = 'path' | 'query' | 'headers' | 'body';
const PARAMETER_LOCATION = { path: 'path', query: 'query', headers: 'header' } as const;

interface Part {
  op: OperationSpec;
  name: PartName;
  /** The JSON Schema of the whole part: the body's, or an object of the parameters. */
  schema: JsonSchema;
  validate: ValidateFunction;
  /** The operation reduced to this part, so parse-request validates it alone. */
  runtimeOp: OperationSpec;
  edges: ReturnType<typeof edgeCases>;
}

interface DocumentParameter {
  name: string;
  in: string;
  required?: boolean;
  schema: JsonSchema;
  style?: string;
  explode?: boolean;
}

function documentOperation(op: OperationSpec) {
  const found = document.paths[op.path]?.[op.method];
  if (!found) throw new Error(`${op.operationId}: ${op.method.toUpperCase()} ${op.path} is not in openapi.json`);
  return found as { parameters?: (DocumentParameter | { $ref: string })[]; requestBody?: { required?: boolean; content: Record<string, { schema: JsonSchema }> } };
}

function documentParameters(op: OperationSpec): DocumentParameter[] {
  return (documentOperation(op).parameters ?? []).map((p) => resolveRefs(p as JsonSchema, document) as unknown as DocumentParameter);
}

function runtimeOp(op: OperationSpec, part: PartName): OperationSpec {
  // Only headers depend on the flags (If-Match, If-None-Match, Idempotency-Key); drop them elsewhere.
  const base: OperationSpec = { ...op, conditional: undefined, idempotent: undefined };
  switch (part) {
    case 'path':
      return { ...base, request: { params: op.request?.params } };
    case 'query':
      return { ...base, request: { query: op.request?.query } };
    case 'headers':
      return { ...op, request: { headers: op.request?.headers } };
    case 'body': {
      // A multipart form's text fields are validated by their Zod object like a JSON body: held to the document the same way.
      const form = op.request?.multipart;
      return { ...base, request: { body: form ? { description: form.description, schema: form.fields, example: form.example } : op.request?.body } };
    }
  }
}

/** A multipart form's schema without its file part: the text fields, as the runtime validates them. */
function withoutPart(schema: JsonSchema, name: string): JsonSchema {
  const properties = Object.fromEntries(Object.entries(schema.properties ?? {}).filter(([key]) => key !== name));
  return { ...schema, properties, required: (schema.required ?? []).filter((key: string) => key !== name) };
}

function partsOf(op: OperationSpec): Part[] {
  const parts: Part[] = [];
  const parameters = documentParameters(op);
  for (const name of ['path', 'query', 'headers'] as const) {
    const declared = parameters.filter((p) => p.in === PARAMETER_LOCATION[name]);
    if (declared.length === 0) continue;
    for (const p of declared) {
      if (name === 'query' && (p.style ?? 'form') !== 'form') throw new Error(`${op.operationId}: query style ${p.style} is not supported here`);
      if (name === 'query' && p.explode === false) throw new Error(`${op.operationId}: explode: false is not supported here`);
    }
    const schema: JsonSchema = {
      type: 'object',
      properties: Object.fromEntries(declared.map((p) => [p.name, p.schema])),
      required: declared.filter((p) => p.required).map((p) => p.name),
    };
    parts.push({ op, name, schema, validate: ajv.compile(schema), runtimeOp: runtimeOp(op, name), edges: edgeCases(schema, { wire: 'text' }, SEED) });
  }
  const body = documentOperation(op).requestBody;
  if (body) {
    const form = op.request?.multipart;
    const schema = form ? withoutPart(resolveRefs(body.content['multipart/form-data']!.schema, document), form.file.name) : resolveRefs(body.content['application/json']!.schema, document);
    parts.push({ op, name: 'body', schema, validate: ajv.compile(schema), runtimeOp: runtimeOp(op, 'body'), edges: edgeCases(schema, { wire: 'json' }, SEED) });
  }
  return parts;
}

// ─── The wire ────────────────────────────────────────────────────────────────────────────────

interface Wire {
  request: Request;
  url: URL;
  params: Record<string, string>;
  /** The value as a JSON Schema validator of the OpenAPI document sees it. */
  json: unknown;
  /** How the value travelled, for messages. */
  shown: string;
}

function renderScalar(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'boolean') return String(value);
  return undefined;
}

/** Text → the typed value it serialises, for the schema's types; anything else stays text. */
function fromText(text: string, schema: JsonSchema): unknown {
  const types = typesOf(schema) ?? ['string'];
  if (types.includes('string')) return text;
  if ((types.includes('integer') || types.includes('number')) && text.trim() !== '' && String(Number(text)) === text) return Number(text);
  if (types.includes('boolean') && (text === 'true' || text === 'false')) return text === 'true';
  return text;
}

function fromTexts(values: string[], schema: JsonSchema): unknown {
  if (typesOf(schema)?.includes('array')) return values.map((v) => fromText(v, schema.items ?? {}));
  return values.length === 1 ? fromText(values[0]!, schema) : values.map((v) => fromText(v, schema));
}

const BASE = 'http://folio.test';

function hasUnpairedSurrogate(value: unknown): boolean {
  if (typeof value === 'string') return !value.isWellFormed();
  if (Array.isArray(value)) return value.some(hasUnpairedSurrogate);
  if (typeof value === 'object' && value !== null) return Object.entries(value).some(([k, v]) => !k.isWellFormed() || hasUnpairedSurrogate(v));
  return false;
}
const declaredParameters = (part: Part) => Object.entries(part.schema.properties ?? {});

function toWire(part: Part, value: unknown): Wire | undefined {
  const { op } = part;
  const method = op.method.toUpperCase();
  switch (part.name) {
    case 'body': {
      const text = JSON.stringify(value);
      // Not I-JSON (RFC 7493): an unpaired surrogate is no character, and a JSON Schema validator in
      // Rust or Python cannot even hold one. The runtime refuses such bodies before the schema
      // (tests/unit/read-body.test.ts); the two sides are compared on text that is Unicode.
      if (text === undefined || !JSON.stringify(value).isWellFormed() || hasUnpairedSurrogate(value)) return undefined;
      const url = new URL(op.path, BASE);
      const request = new Request(url, { method, headers: { 'content-type': 'application/json' }, body: text });
      return { request, url, params: {}, json: JSON.parse(text), shown: `body ${shorten(text)}` };
    }
    case 'query': {
      const search = new URLSearchParams();
      for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
        for (const item of Array.isArray(v) ? v : [v]) {
          const text = renderScalar(item);
          if (text === undefined) return undefined;
          search.append(name, text);
        }
      }
      const url = new URL(`${op.path}?${search}`, BASE);
      const json: Record<string, unknown> = {};
      for (const [name, schema] of declaredParameters(part)) {
        const values = url.searchParams.getAll(name);
        if (values.length > 0) json[name] = fromTexts(values, schema);
      }
      return { request: new Request(url, { method }), url, params: {}, json, shown: `query ${shorten(url.search)}` };
    }
    case 'headers': {
      const headers = new Headers();
      try {
        for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
          for (const item of Array.isArray(v) ? v : [v]) {
            const text = renderScalar(item);
            if (text === undefined) return undefined;
            headers.append(name, text);
          }
        }
      } catch {
        return undefined; // a name or value HTTP cannot carry (NUL, CR, LF, beyond Latin-1): refused before Folio sees it
      }
      const json: Record<string, unknown> = {};
      for (const [name, schema] of declaredParameters(part)) {
        const text = headers.get(name);
        if (text !== null) json[name] = fromText(text, schema);
      }
      const url = new URL(op.path, BASE);
      return { request: new Request(url, { method, headers }), url, params: {}, json, shown: `headers ${shorten(JSON.stringify([...headers]))}` };
    }
    case 'path': {
      const params: Record<string, string> = {};
      const given = value as Record<string, unknown>;
      const names = declaredParameters(part).map(([name]) => name);
      // A URL has exactly the template's segments: a missing or extra path parameter is another URL.
      if (Object.keys(given).length !== names.length || !names.every((n) => n in given)) return undefined;
      for (const name of names) {
        const text = renderScalar(given[name]);
        if (text === undefined || text === '' || text === '.' || text === '..') return undefined;
        try {
          params[name] = decodeURIComponent(encodeURIComponent(text));
        } catch {
          return undefined; // a lone surrogate cannot be percent-encoded
        }
      }
      const url = new URL(op.path.replace(/\{(\w+)\}/g, (_, n: string) => encodeURIComponent(params[n]!)), BASE);
      const json = Object.fromEntries(names.map((n) => [n, fromText(params[n]!, part.schema.properties![n]!)]));
      return { request: new Request(url, { method }), url, params, json, shown: `path ${shorten(url.pathname)}` };
    }
  }
}

async function runtimeVerdict(part: Part, wire: Wire): Promise<{ accepted: boolean; issues: FieldIssue[] }> {
  try {
    const parsed = await parseRequest(part.runtimeOp, wire.request, wire.url, wire.params);
    // A signed (`raw`) body is parsed by its handler once verified: that parse is the runtime's verdict.
    if (part.runtimeOp.request?.body?.raw) (parsed.body as RawBody<unknown>).parse();
    return { accepted: true, issues: [] };
  } catch (error) {
    if (error instanceof AppError && error.code === 'validation_failed') return { accepted: false, issues: error.errors ?? [] };
    throw error;
  }
}

// ─── Messages ────────────────────────────────────────────────────────────────────────────────

function shorten(text: string, max = 300): string {
  return text.length <= max ? text : `${text.slice(0, 120)}…(${text.length} chars)…${text.slice(-40)}`;
}

/** JSON with control characters and lone surrogates escaped, long strings abbreviated. */
function show(value: unknown): string {
  const text = JSON.stringify(value, (_, v) =>
    typeof v === 'string' && v.length > 60 ? `${v.slice(0, 24)}…(${v.length} UTF-16 units, ${codePoints(v)} code points)…${v.slice(-8)}` : v,
  );
  return shorten(text ?? String(value), 600);
}

function describeMismatch(part: Part, value: unknown, wire: Wire, documentAccepts: boolean, runtime: { issues: FieldIssue[] }): string {
  const where = `${part.op.operationId} ${part.name}`;
  const ajvErrors = (part.validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
  return documentAccepts
    ? `${where}: the JSON Schema ACCEPTS ${show(value)} but the runtime (Zod) REJECTS it — ${runtime.issues.map((i) => `${i.pointer}: ${i.message}`).join('; ')} [wire: ${wire.shown}]`
    : `${where}: the runtime (Zod) ACCEPTS ${show(value)} but the JSON Schema REJECTS it — ${ajvErrors} [wire: ${wire.shown}]`;
}

// ─── The properties ──────────────────────────────────────────────────────────────────────────

const wireOf = (part: Part) => ({ wire: part.name === 'body' ? ('json' as const) : ('text' as const) });
const PARAMETERS = { seed: SEED, numRuns: RUNS, endOnFailure: true };

/** (a) A value valid by the JSON Schema must reach the handler. */
async function checkValid(part: Part, value: unknown): Promise<void> {
  if (!part.validate(value)) throw new Error(`generator bug: ${show(value)} does not satisfy the schema it was generated from`);
  const wire = toWire(part, value);
  if (!wire) throw new Error(`${part.op.operationId} ${part.name}: the schema-valid ${show(value)} cannot be sent at all`);
  if (!part.validate(wire.json)) throw new Error(`${part.op.operationId} ${part.name}: ${show(value)} arrives as ${show(wire.json)}, which the schema refuses`);
  const runtime = await runtimeVerdict(part, wire);
  if (!runtime.accepted) throw new Error(describeMismatch(part, value, wire, true, runtime));
}

/** (b) The JSON Schema and the runtime judge a value alike. Returns false for a value HTTP cannot carry. */
async function checkNear(part: Part, value: unknown): Promise<boolean> {
  const wire = toWire(part, value);
  if (!wire) return false;
  const documentAccepts = part.validate(wire.json);
  const runtime = await runtimeVerdict(part, wire);
  if (documentAccepts !== runtime.accepted) throw new Error(describeMismatch(part, value, wire, documentAccepts, runtime));
  return true;
}

async function acceptsGenerated(part: Part) {
  for (const value of part.edges.valid) await checkValid(part, value);
  await fc.assert(
    fc.asyncProperty(validValues(part.schema, wireOf(part)), (value) => checkValid(part, value)),
    PARAMETERS,
  );
}

async function agreesNearby(part: Part) {
  for (const value of part.edges.near) await checkNear(part, value);
  await fc.assert(
    fc.asyncProperty(nearValues(part.schema, wireOf(part)), async (value) => {
      fc.pre(await checkNear(part, value));
    }),
    PARAMETERS,
  );
}

const parts = operations.flatMap(partsOf);
{
  const counts = (pick: (p: Part) => number) => parts.map(pick);
  const range = (xs: number[]) => `${Math.min(...xs)}–${Math.max(...xs)}`;
  const valid = counts((p) => p.edges.valid.length);
  const near = counts((p) => p.edges.near.length);
  const total = [...valid, ...near].reduce((a, b) => a + b, 0);
  console.log(
    `spec-agreement: ${parts.length} request-part schemas; per schema ${RUNS} random runs per property (fast-check seed ${SEED}) ` +
      `plus systematic edge cases (valid ${range(valid)}, near ${range(near)}; ${total} in all)`,
  );
}

describe('the document declares exactly the request parts the binding reads', () => {
  it.each(operations.map((op) => [op.operationId, op] as const))('%s', (_, op) => {
    const parameters = documentParameters(op);
    const names = (where: string) => parameters.filter((p) => p.in === where).map((p) => p.name).sort();
    const fromTemplate = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();
    expect(names('path'), 'path parameters vs the template').toEqual(fromTemplate);
    expect(names('path'), 'path parameters vs the contract').toEqual(Object.keys(op.request?.params?.shape ?? {}).sort());
    expect(names('query'), 'query parameters vs the contract').toEqual(Object.keys(op.request?.query?.shape ?? {}).sort());
    expect(names('header'), 'headers vs requestHeaders(op)').toEqual(Object.keys(requestHeaders(op)?.shape ?? {}).sort());
    for (const p of parameters) {
      const shape = { path: op.request?.params?.shape, query: op.request?.query?.shape, header: requestHeaders(op)?.shape }[p.in as 'path' | 'query' | 'header'];
      const field = shape?.[p.name];
      const optional = Boolean(field?.safeParse(undefined).success);
      expect(Boolean(p.required), `${p.in} parameter ${p.name}: required in the document ⇔ not optional in the contract`).toBe(!optional);
    }
    const body = documentOperation(op).requestBody;
    expect(Boolean(body), 'a request body in the document ⇔ in the contract').toBe(Boolean(op.request?.body || op.request?.multipart));
    if (body) {
      expect(body.required, 'request bodies are required').toBe(true);
      expect(Object.keys(body.content), 'request body media types').toEqual([op.request?.multipart ? 'multipart/form-data' : 'application/json']);
    }
  });
});

describe.each(parts.map((part) => [`${part.op.operationId} ${part.name}`, part] as const))('%s', (_, part) => {
  it('accepts every value generated from its JSON Schema', () => acceptsGenerated(part));
  it('agrees with the JSON Schema on values near it', () => agreesNearby(part));
  if (part.name === 'body') {
    it('refuses a missing body, as the document requires one', async () => {
      const url = new URL(part.op.path, BASE);
      const request = new Request(url, { method: part.op.method.toUpperCase(), headers: { 'content-type': 'application/json' } });
      expect((await runtimeVerdict(part, { request, url, params: {}, json: undefined, shown: 'no body' })).accepted).toBe(false);
    });
  }
});
