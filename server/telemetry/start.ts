/**
 * Starts OpenTelemetry's Node.js SDK when tracing is configured (server/config.ts), before anything
 * loads `pg` (instrumentation.ts calls this first), so that its instrumentation sees every query.
 * The SDK reads the standard OTEL_* variables itself: the exporter (OTEL_TRACES_EXPORTER, and
 * OTEL_EXPORTER_OTLP_* for where and how), the service name, the sampler, the propagators. Folio
 * exports traces only: metrics and logs stay off unless OTEL_METRICS_EXPORTER / OTEL_LOGS_EXPORTER
 * ask for them. The SDK is registered as background work, so shutdown flushes the spans it holds.
 */
import { pathToFileURL } from 'node:url';
import { registerBackgroundWork } from '../background.ts';
import { config } from '../config.ts';
import { log } from '../log.ts';

export async function startTelemetry(): Promise<void> {
  if (!config.tracing) return;
  process.env.OTEL_SERVICE_NAME ??= 'folio';
  process.env.OTEL_METRICS_EXPORTER ??= 'none';
  process.env.OTEL_LOGS_EXPORTER ??= 'none';
  // Next.js loads `pg` with import(): only an ESM loader hook lets the instrumentation see it.
  const { register } = await import('node:module');
  register('@opentelemetry/instrumentation/hook.mjs', pathToFileURL(`${process.cwd()}/`));
  const [{ NodeSDK }, { PgInstrumentation }] = await Promise.all([import('@opentelemetry/sdk-node'), import('@opentelemetry/instrumentation-pg')]);
  const sdk = new NodeSDK({ instrumentations: [new PgInstrumentation()] });
  sdk.start();
  registerBackgroundWork({ name: 'telemetry', stop: () => sdk.shutdown() });
  log.info({ exporter: process.env.OTEL_TRACES_EXPORTER ?? 'otlp', service: process.env.OTEL_SERVICE_NAME }, 'tracing on (OpenTelemetry)');
}
