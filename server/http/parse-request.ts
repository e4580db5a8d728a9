import { join } from 'node:path';
import type { z } from 'zod';
import type { OperationSpec } from '../../contracts/operation.ts';
import { requestHeaders } from '../../contracts/shared/protocol.ts';
import { config } from '../config.ts';
import { AppError } from '../errors.ts';
import { toFieldIssues, type FieldIssue } from './issues.ts';
import { parseJsonBytes, readBodyBytes } from './read-body.ts';
import { discardUpload, readMultipart } from './read-multipart.ts';
import type { RawBody } from './types.ts';

export interface ParsedRequest {
  params: unknown;
  query: unknown;
  headers: unknown;
  body: unknown;
}

/** Whether a (possibly optional or piped) schema takes an array, i.e. a repeatable query parameter. */
function takesArray(schema: z.ZodType): boolean {
  const def = schema.def as { type: string; innerType?: z.ZodType; in?: z.ZodType };
  if (def.type === 'array') return true;
  const inner = def.innerType ?? def.in;
  return inner ? takesArray(inner) : false;
}

/**
 * Turns the query string into the object its schema expects: repeatable parameters always as
 * arrays (`?tag=a` and `?tag=a&tag=b` both work), others as a string — or as an array when
 * repeated, which the schema then rejects instead of silently picking one.
 */
function queryObject(search: URLSearchParams, fields: readonly { name: string; repeatable: boolean }[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { name, repeatable } of fields) {
    const values = search.getAll(name);
    if (values.length === 0) continue;
    out[name] = repeatable || values.length > 1 ? values : values[0];
  }
  return out;
}

function headerObject(headers: Headers, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = headers.get(name);
    if (value !== null) out[name] = value;
  }
  return out;
}

/** What reading an operation's request needs, worked out once per operation rather than per request. */
interface RequestShape {
  headers: z.ZodObject | undefined;
  headerNames: string[];
  queryFields: { name: string; repeatable: boolean }[];
}

const shapes = new WeakMap<OperationSpec, RequestShape>();

function shapeOf(op: OperationSpec): RequestShape {
  let shape = shapes.get(op);
  if (!shape) {
    const headers = requestHeaders(op);
    shape = {
      headers,
      headerNames: Object.keys(headers?.shape ?? {}),
      queryFields: Object.entries(op.request?.query?.shape ?? {}).map(([name, field]) => ({ name, repeatable: takesArray(field as z.ZodType) })),
    };
    shapes.set(op, shape);
  }
  return shape;
}

/**
 * Validates every part of the request against the contract and reports every issue at once.
 * Whole-request failures (415, 413, malformed JSON) are thrown before any field is checked.
 */
export async function parseRequest(
  op: OperationSpec,
  request: Request,
  url: URL,
  rawParams: Record<string, unknown>,
): Promise<ParsedRequest> {
  const spec = op.request ?? {};
  const { headers, headerNames, queryFields } = shapeOf(op);
  const bytes = spec.body ? await readBodyBytes(request, config.maxBodyBytes) : undefined;
  // A signed body is not parsed here: its handler verifies the bytes first, then calls parse().
  const rawBody = spec.body && !spec.body.raw ? parseJsonBytes(bytes) : undefined;
  const form = spec.multipart
    ? await readMultipart(request, spec.multipart, { maxBytes: config.media.maxBytes, stagingDir: join(config.media.dir, 'incoming') })
    : undefined;
  const issues: FieldIssue[] = [...(form?.issues ?? [])];
  const check = (schema: z.ZodType | undefined, value: unknown, root: string): unknown => {
    if (!schema) return root === '/body' ? undefined : {};
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    issues.push(...toFieldIssues(result.error, root));
    return undefined;
  };
  const parsed: ParsedRequest = {
    params: check(spec.params, rawParams, '/params'),
    query: check(spec.query, queryObject(url.searchParams, queryFields), '/query'),
    headers: check(headers, headerObject(request.headers, headerNames), '/headers'),
    // A form: its text fields validated like a JSON body, and the staged file under its part's name.
    body: spec.multipart
      ? { ...(check(spec.multipart.fields, form!.fields, '/body') as object), [spec.multipart.file.name]: form!.file }
      : spec.body?.raw
        ? rawBodyOf(spec.body.schema, bytes)
        : check(spec.body?.schema, rawBody, '/body'),
  };
  if (issues.length > 0) {
    await discardUpload(form?.file);
    throw validationFailed(issues);
  }
  return parsed;
}

function validationFailed(issues: FieldIssue[]): AppError {
  const noun = issues.length === 1 ? 'issue' : 'issues';
  return new AppError('validation_failed', `The request has ${issues.length} ${noun}; see errors.`, { errors: issues });
}

/** A `raw` body for its handler: the bytes as sent, and the parsing and validation a body otherwise gets here, for later. */
function rawBodyOf(schema: z.ZodType, bytes: Uint8Array | undefined): RawBody<unknown> {
  return {
    bytes: bytes ?? new Uint8Array(),
    parse() {
      const result = schema.safeParse(parseJsonBytes(bytes));
      if (!result.success) throw validationFailed(toFieldIssues(result.error, '/body'));
      return result.data;
    },
  };
}
