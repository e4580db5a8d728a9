import type { NextConfig } from 'next';

const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // `npm start`'s front server compresses instead, at a cheaper level (server/start.ts).
  compress: false,
  // PGlite ships a WebAssembly build of PostgreSQL and pg has optional native bindings:
  // both must be loaded by Node at run time, not bundled.
  // OpenTelemetry's SDK patches `pg` as Node loads it, and its API must be one copy for Next.js's spans and Folio's.
  // The rate limiters are one set per process (server/http/rate-limit-store.ts), so their library
  // must be one copy per process too, not one per route bundle (its results are recognised with instanceof).
  serverExternalPackages: ['@electric-sql/pglite', 'pg', 'pino', '@opentelemetry/api', '@opentelemetry/sdk-node', '@opentelemetry/instrumentation-pg', 'ioredis', 'rate-limiter-flexible'],
  // `npm run typecheck` (next typegen + tsc over the whole repository, route types included)
  // runs in `npm test`; the build need not check the same files again.
  typescript: { ignoreBuildErrors: true },
};

export default config;
