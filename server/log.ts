import pino from 'pino';
import { config } from './config.ts';

/** Structured JSON logs, one object per line. Never log bodies, credentials or Authorization headers. */
export const log = pino({
  level: config.logLevel,
  base: undefined,
  timestamp: pino.stdTimeFunctions.isoTime,
  redact: { paths: ['*.authorization', '*.password', '*.token'], censor: '[redacted]' },
});
