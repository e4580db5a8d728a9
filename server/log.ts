import pino from 'pino';
import { config } from './config.ts';

/** Structured JSON logs, one object per line. Never log bodies, credentials or Authorization headers. */
export const log = pino({
  level: config.logLevel,
  base: undefined,
  timestamp: pino.stdTimeFunctions.isoTime,
  redact: { paths: ['*.authorization', '*.password', '*.token'], censor: '[redacted]' },
});

/**
 * The one line per request (server/http/bind.ts). Its fields are the binding's own — ids, method,
 * route, status, duration — and flat, so the redaction paths above (one level down) can never match
 * them: it skips redaction, which costs about as much as writing the line.
 */
export const accessLog = log.child({}, { redact: [] });
