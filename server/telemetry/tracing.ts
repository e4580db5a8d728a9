/**
 * Folio's own spans and trace ids, through OpenTelemetry's API. With tracing off (server/config.ts)
 * none of this runs: the binding calls the handler directly and nothing is looked up per request.
 * The SDK that records and exports them is started by ./start.ts.
 */
import { SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import type { OperationSpec } from '../../contracts/operation.ts';
import { config } from '../config.ts';

const tracer = () => trace.getTracer('folio');

/** The trace and span the code runs in, for log lines and problem bodies; empty with tracing off or outside a trace. */
export function traceContext(): { trace_id?: string; span_id?: string } {
  if (!config.tracing) return {};
  const context = trace.getActiveSpan()?.spanContext();
  return context && trace.isSpanContextValid(context) ? { trace_id: context.traceId, span_id: context.spanId } : {};
}

/**
 * Runs one request of `op` in a span named by its route (`GET /api/v1/posts/{postId}`) — a child of
 * the span Next.js opens for the request — carrying the route, the operationId and the status.
 */
export function traceRequest(op: OperationSpec, method: string, serve: () => Promise<Response>): Promise<Response> {
  const attributes = { 'http.request.method': method, 'http.route': op.path, 'folio.operation_id': op.operationId };
  return tracer().startActiveSpan(`${method} ${op.path}`, { attributes }, async (span) => {
    try {
      const response = await serve();
      span.setAttribute('http.response.status_code', response.status);
      if (response.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR }).setAttribute('error.type', String(response.status));
      return response;
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Adds what became known while serving (the request id, the caller) to the request's span. */
export function describeRequest(attributes: Attributes): void {
  if (config.tracing) trace.getActiveSpan()?.setAttributes(attributes);
}
