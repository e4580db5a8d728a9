import pino from 'pino';
import { config } from './config.ts';
import { traceContext } from './telemetry/tracing.ts';

/**
 * Structured JSON logs, one object per line. Never log bodies, credentials or Authorization headers.
 * With tracing on, every line written inside a trace carries its `trace_id` and `span_id`.
 *
 * Written asynchronously: a request appends its line to a buffer and the write happens off its
 * path (lines that pile up under load go out in one write, not one system call each). pino
 * flushes the buffer synchronously when the process exits — an uncaught error's line included;
 * only a SIGKILL can lose the lines of its last moment.
 */
export const log = pino(
  {
    level: config.logLevel,
    base: undefined,
    ...(config.tracing && { mixin: traceContext }),
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['*.authorization', '*.password', '*.token'], censor: '[redacted]' },
  },
  pino.destination({ dest: 1, sync: false }),
);

/**
 * The one line per request (server/http/bind.ts). Its fields are the binding's own — ids, method,
 * route, status, duration — and flat, so the redaction paths above (one level down) can never match
 * them: it skips redaction, which costs about as much as writing the line.
 */
export const accessLog = log.child({}, { redact: [] });
