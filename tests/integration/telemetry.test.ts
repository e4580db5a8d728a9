/**
 * OpenTelemetry traces (server/telemetry). The server is configured exactly as an operator would —
 * the standard OTEL_* variables, OTLP over HTTP — and exports to a collector this test runs, which
 * keeps the spans in memory. Each request must have a span named by its route with the route, the
 * operationId, the status and the caller; every query a span in the same trace; the trace id in the
 * request's log line and in its problem body. Without OTEL_* nothing of it shows.
 */
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { getPost } from '../../contracts/posts/operations.ts';
import { getMe } from '../../contracts/users/operations.ts';
import { freePort } from '../../scripts/lib/folio-process.ts';
import { expectConforms, send } from '../support/contract-assertions.ts';
import { ABSENT } from '../support/fixtures.ts';
import { databaseKinds, startFolio, type RunningFolio } from '../support/folio-server.ts';
import { signUp } from '../support/identity.ts';

type AnyValue = { stringValue?: string; intValue?: number | string; boolValue?: boolean; doubleValue?: number };
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes?: { key: string; value: AnyValue }[];
}
interface Span {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: Record<string, string | number | boolean | undefined>;
}

const value = (v: AnyValue) => v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : (v.boolValue ?? v.doubleValue));

/** An OTLP/HTTP (JSON) collector that keeps every span it is sent. */
async function startCollector(): Promise<{ endpoint: string; spans: Span[]; close(): Promise<void> }> {
  const spans: Span[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const payload = JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] };
        for (const span of payload.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans))) {
          spans.push({ ...span, attributes: Object.fromEntries((span.attributes ?? []).map((a) => [a.key, value(a.value)])) });
        }
      }
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { endpoint: `http://127.0.0.1:${port}`, spans, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function waitFor<T>(find: () => T | undefined, what: string, timeoutMs = 15_000): Promise<T> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(100)) {
    const found = find();
    if (found !== undefined) return found;
  }
  throw new Error(`not exported within ${timeoutMs} ms: ${what}`);
}

const logLine = (server: { logFile: string }, requestId: string) =>
  readFileSync(server.logFile, 'utf8')
    .split('\n')
    .filter((line) => line.includes(`"request_id":"${requestId}"`))
    .map((line) => JSON.parse(line) as Record<string, unknown>)[0];

describe.each(databaseKinds())('tracing on %s', (kind) => {
  let collector: Awaited<ReturnType<typeof startCollector>>;
  let server: RunningFolio;

  beforeAll(async () => {
    collector = await startCollector();
    server = await startFolio(kind, {
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
  });

  afterAll(async () => {
    await server?.stop();
    await collector?.close();
  });

  it('a span per request named by its route, with the operationId, status and caller; a span for every query in its trace; the trace id in its log line', async () => {
    const account = await signUp(server.baseUrl);
    const res = await send(server.baseUrl, getMe.path, { headers: account.auth });
    expect(res.status).toBe(200);
    const requestId = res.headers.get('x-request-id')!;

    const span = await waitFor(() => collector.spans.find((s) => s.attributes['folio.request_id'] === requestId), `the span of ${requestId}`);
    expect(span.name).toBe('GET /api/v1/me');
    expect(span.attributes).toMatchObject({
      'http.request.method': 'GET',
      'http.route': getMe.path,
      'folio.operation_id': 'getMe',
      'http.response.status_code': 200,
      'user.id': account.user.id,
    });

    // Queries: authenticating the token, reading the account, and on PostgreSQL counting the request
    // (the embedded database's server counts in process) — each a span under this request's.
    await sleep(500);
    const inTrace = collector.spans.filter((s) => s.traceId === span.traceId);
    const byId = new Map(inTrace.map((s) => [s.spanId, s]));
    const under = (s: Span): boolean => s.parentSpanId === span.spanId || (s.parentSpanId !== undefined && byId.has(s.parentSpanId) && under(byId.get(s.parentSpanId)!));
    const queries = inTrace.filter((s) => typeof s.attributes['db.query.text'] === 'string');
    expect(queries.length, JSON.stringify(inTrace.map((s) => s.name))).toBeGreaterThanOrEqual(kind === 'postgres' ? 3 : 2);
    for (const query of queries) {
      expect(under(query), `${query.name} is under the request's span`).toBe(true);
      expect(query.attributes['db.system.name']).toBe('postgresql');
    }
    expect(queries.some((q) => /from "tokens"/.test(String(q.attributes['db.query.text'])))).toBe(true);
    expect(queries.map((q) => String(q.attributes['db.query.text'])).join('\n'), 'no values in the SQL, only placeholders').not.toContain(account.token.slice(6, 20));
    // Next.js's own span for the request is the root of the same trace.
    expect(inTrace.some((s) => s.parentSpanId === undefined || s.parentSpanId === '')).toBe(true);

    expect(logLine(server, requestId)).toMatchObject({ request_id: requestId, trace_id: span.traceId, span_id: span.spanId });
  });

  it('puts the trace id in problem bodies, next to request_id', async () => {
    const res = await send(server.baseUrl, getPost.path.replace('{postId}', ABSENT.postId!));
    expectConforms(getPost, res);
    expect(res.status).toBe(404);
    const problem = res.body as { request_id: string; trace_id?: string };
    expect(problem.trace_id).toMatch(/^[0-9a-f]{32}$/);
    const span = await waitFor(() => collector.spans.find((s) => s.attributes['folio.request_id'] === problem.request_id), `the span of ${problem.request_id}`);
    expect(problem.trace_id).toBe(span.traceId);
    expect(span.attributes['http.response.status_code']).toBe(404);
    expect(logLine(server, problem.request_id)?.trace_id).toBe(problem.trace_id);
  });
});

describe.each(inject('servers'))('tracing off by default on $kind', ({ baseUrl, logFile }) => {
  it('no trace id anywhere: not in problems, not in log lines', async () => {
    const res = await send(baseUrl, getPost.path.replace('{postId}', ABSENT.postId!));
    expect(res.status).toBe(404);
    expect(res.body).not.toHaveProperty('trace_id');
    await sleep(200);
    expect(logLine({ logFile }, (res.body as { request_id: string }).request_id)).not.toHaveProperty('trace_id');
  });
});
