/**
 * A span for every query Kysely runs on the embedded database (PostgreSQL's queries get theirs from
 * OpenTelemetry's `pg` instrumentation). Kysely reports each query once it is done — with its SQL,
 * which holds placeholders, never values, its duration and any error — in the async context of the
 * code that ran it, so each span is a child of the request's and is dated from the duration.
 */
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { LogEvent } from 'kysely';

export function logQuerySpan(event: LogEvent): void {
  const end = Date.now();
  const sql = event.query.sql;
  const operation = /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? 'QUERY';
  const span = trace.getTracer('folio').startSpan(`${operation} pglite`, {
    kind: SpanKind.CLIENT,
    startTime: end - event.queryDurationMillis,
    attributes: { 'db.system.name': 'postgresql', 'db.namespace': 'pglite', 'db.operation.name': operation, 'db.query.text': sql },
  });
  if (event.level === 'error') {
    span.recordException(event.error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end(end);
}
