import type { NextConfig } from 'next';

const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // PGlite ships a WebAssembly build of PostgreSQL and pg has optional native bindings:
  // both must be loaded by Node at run time, not bundled.
  serverExternalPackages: ['@electric-sql/pglite', 'pg', 'pino'],
  // Typechecking and linting run in `npm test`; the build need not repeat them.
  typescript: { ignoreBuildErrors: false },
};

export default config;
