import pino from 'pino';
import { config } from './config.ts';
import { traceContext } from './telemetry/tracing.ts';

/**
 * Structured JSON logs, one object per line. Never log bodies, credentials or Authorization headers.
 * With tracing on, every line written inside a trace carries its `trace_id` and `span_id`.
 */
export const log = pino({
  level: config.logLevel,
  base: undefined,
  ...(config.tracing && { mixin: traceContext }),
  timestamp: pino.stdTimeFunctions.isoTime,
  redact: { paths: ['*.authorization', '*.password', '*.token'], censor: '[redacted]' },
});
