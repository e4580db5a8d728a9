import { expect } from 'vitest';
import { operationErrors, type OperationSpec, type ResponseSpec } from '../../contracts/operation.ts';
import { problemSchema } from '../../contracts/shared/problem.ts';
import { SECURITY_HEADERS } from '../../server/http/security-headers.ts';

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  body: unknown;
}

export async function send(baseUrl: string, path: string, init: RequestInit & { json?: unknown } = {}): Promise<ApiResponse> {
  const { json, ...rest } = init;
  const response = await fetch(`${baseUrl}${path}`, {
    ...rest,
    ...(json !== undefined && {
      body: JSON.stringify(json),
      headers: { 'Content-Type': 'application/json', ...(rest.headers as Record<string, string>) },
    }),
  });
  const text = response.headers.get('content-type')?.startsWith('text/event-stream') ? await firstFrame(response) : await response.text();
  let body: unknown = undefined;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: response.status, headers: response.headers, text, body };
}

/** An event stream does not end by itself: read its opening frame (the `retry:` advice), then stop. */
async function firstFrame(response: Response): Promise<string> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!text.includes('\n\n')) {
    const chunk = await reader.read();
    if (chunk.done) break;
    text += decoder.decode(chunk.value, { stream: true });
  }
  await reader.cancel();
  return text;
}

function describe(res: ApiResponse): string {
  return `${res.status} ${res.headers.get('content-type')} ${res.text.slice(0, 2000)}`;
}

/**
 * Asserts that a response is one the operation's contract allows: a documented status, the
 * documented media type, a body that parses with the documented schema (problems included),
 * the documented headers, an X-Request-Id that matches the problem's request_id, and the
 * security headers every response carries (nosniff, Referrer-Policy).
 */
export function expectConforms(op: OperationSpec, res: ApiResponse): void {
  const requestId = res.headers.get('x-request-id');
  expect(requestId, `X-Request-Id missing: ${describe(res)}`).toMatch(/^req_[0-9a-f]{32}$/);
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
    expect(res.headers.get(name), `${op.operationId} ${res.status} lacks ${name}: ${value}`).toBe(value);
  }
  if (res.status === 304 && op.conditional === 'read') {
    expect(res.text, `${op.operationId} 304 must have no body`).toBe('');
    expect(res.headers.get('etag'), `${op.operationId} 304 lacks ETag`).toMatch(/^"/);
    return;
  }
  const success = (op.responses as Record<number, ResponseSpec | undefined>)[res.status];
  if (success?.alternative && res.headers.get('content-type')?.startsWith(success.alternative.mediaType)) return;
  if (success) {
    if (success.stream) {
      expect(res.headers.get('content-type'), describe(res)).toMatch(/^text\/event-stream/);
      expect(res.text, `${op.operationId} ${res.status} opens its stream with retry advice`).toMatch(/^retry: \d+\n/m);
    } else if (success.binary) {
      // Bytes: one of the declared media types (the body is the file, not a document to parse).
      expect(success.binary.mediaTypes, describe(res)).toContain(res.headers.get('content-type'));
    } else if (success.content) {
      expect(res.headers.get('content-type'), describe(res)).toBe(success.content.mediaType ?? 'application/json');
      const parsed = success.content.schema.safeParse(res.body);
      expect(parsed.success, `${op.operationId} ${res.status} body breaks its schema: ${parsed.error?.message} — ${describe(res)}`).toBe(true);
    } else {
      expect(res.text, `${op.operationId} ${res.status} must have no body`).toBe('');
    }
    for (const name of Object.keys(success.headers?.shape ?? {})) {
      expect(res.headers.get(name), `${op.operationId} ${res.status} lacks header ${name}`).toBeTruthy();
    }
    return;
  }
  const documented = operationErrors(op).filter((error) => error.status === res.status);
  expect(documented.length, `${op.operationId} answered undocumented ${describe(res)}`).toBeGreaterThan(0);
  expect(res.headers.get('content-type'), describe(res)).toBe('application/problem+json');
  const code = (res.body as { code?: unknown } | undefined)?.code;
  const error = documented.find((e) => e.code === code);
  expect(error, `${op.operationId}: code ${String(code)} is not documented for ${res.status} — ${describe(res)}`).toBeDefined();
  // The very schema the document gives this code (its `type`, `status` and `code` fixed).
  const parsed = problemSchema(error!).safeParse(res.body);
  expect(parsed.success, `problem breaks its schema: ${parsed.error?.message} — ${describe(res)}`).toBe(true);
  expect((parsed.data as { request_id: string }).request_id).toBe(requestId);
}

export function problemCode(res: ApiResponse): string | undefined {
  return (res.body as { code?: string } | undefined)?.code;
}
