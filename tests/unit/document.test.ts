import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildDocument } from '../../contracts/document.ts';
import { operations as all } from '../../contracts/index.ts';
import type { OperationSpec } from '../../contracts/operation.ts';

const committed = JSON.parse(readFileSync(new URL('../../openapi.json', import.meta.url), 'utf8'));
const operations: readonly OperationSpec[] = all;
const KNOWN_FORMATS = new Set(['date-time', 'date', 'email', 'uri', 'uuid']);

type Schema = Record<string, unknown>;

/** Every schema object in a subtree, with its JSON Pointer. */
function* schemas(node: unknown, pointer: string): Generator<[string, Schema]> {
  if (Array.isArray(node)) {
    for (const [i, item] of node.entries()) yield* schemas(item, `${pointer}/${i}`);
  } else if (node && typeof node === 'object') {
    const obj = node as Schema;
    if ('type' in obj || 'pattern' in obj || 'format' in obj) yield [pointer, obj];
    for (const [key, value] of Object.entries(obj)) {
      if (key !== 'example' && key !== 'examples') yield* schemas(value, `${pointer}/${key}`);
    }
  }
}

const resolve = (ref: string) => ref.split('/').slice(1).reduce<Schema>((node, key) => node[key] as Schema, committed);
/** The request side of the document: parameters and request bodies, with $refs followed. */
function requestSchemas(): [string, Schema][] {
  const out: [string, Schema][] = [];
  const follow = (node: unknown): unknown =>
    JSON.parse(JSON.stringify(node), (_, value) => (value && typeof value === 'object' && '$ref' in value ? follow(resolve(value.$ref)) : value));
  for (const [path, item] of Object.entries(committed.paths as Record<string, Record<string, Schema>>)) {
    for (const [method, op] of Object.entries(item)) {
      const where = `${method.toUpperCase()} ${path}`;
      out.push(...schemas(follow(op.parameters ?? []), `${where} parameters`));
      out.push(...schemas(follow(op.requestBody ?? {}), `${where} requestBody`));
    }
  }
  return out;
}

describe('the OpenAPI document', () => {
  it('is exactly what the contracts generate (npm run generate)', () => {
    expect(JSON.parse(JSON.stringify(buildDocument()))).toEqual(committed);
  });

  it('documents every operation with an id, summary, description and tags', () => {
    for (const op of operations) {
      expect(op.summary.length, op.operationId).toBeGreaterThan(3);
      expect(op.description.length, op.operationId).toBeGreaterThan(10);
      expect(op.tags.length).toBeGreaterThan(0);
    }
  });

  it('has an example for every request body and 2xx body, each valid against its schema', () => {
    for (const op of operations) {
      const body = op.request?.body;
      if (body) {
        const parsed = body.schema.safeParse(body.example);
        expect(parsed.success, `${op.operationId} request example: ${parsed.error?.message}`).toBe(true);
      }
      for (const [status, response] of Object.entries(op.responses)) {
        if (!response.content) continue;
        const parsed = response.content.schema.safeParse(response.content.example);
        expect(parsed.success, `${op.operationId} ${status} example: ${parsed.error?.message}`).toBe(true);
      }
    }
  });

  it('bounds every integer, and every request string and array', () => {
    const all = [...schemas(committed, '')];
    for (const [pointer, schema] of all) {
      const type = [schema.type].flat();
      if (type.includes('integer')) {
        expect('minimum' in schema && 'maximum' in schema, `unbounded integer at ${pointer}`).toBe(true);
      }
    }
    for (const [pointer, schema] of requestSchemas()) {
      const type = [schema.type].flat();
      if (type.includes('string') && !('enum' in schema)) expect(schema.maxLength, `unbounded string at ${pointer}`).toBeTypeOf('number');
      if (type.includes('array')) expect(schema.maxItems, `unbounded array at ${pointer}`).toBeTypeOf('number');
    }
  });

  it('uses only known formats and patterns free of regex-flag residue', () => {
    for (const [pointer, schema] of schemas(committed, '')) {
      if (schema.format) expect(KNOWN_FORMATS.has(schema.format as string), `format ${schema.format} at ${pointer}`).toBe(true);
      if (typeof schema.pattern === 'string') {
        expect(() => new RegExp(schema.pattern as string, 'u'), pointer).not.toThrow();
        expect(schema.pattern, `flags leaked into the pattern at ${pointer}`).not.toMatch(/\/[dgimsuvy]+$/);
      }
    }
  });

  it('documents X-Request-Id on every response', () => {
    for (const item of Object.values(committed.paths as Record<string, Record<string, { responses: Record<string, Schema> }>>)) {
      for (const op of Object.values(item)) {
        for (const [status, response] of Object.entries(op.responses)) {
          expect((response.headers as Schema | undefined)?.['X-Request-Id'], status).toBeDefined();
        }
      }
    }
  });
});
