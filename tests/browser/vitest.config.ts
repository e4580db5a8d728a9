import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * `npm run test:browser`: the reference and the home page in a real browser, kept out of the default
 * projects because it needs Chromium (Debian's /usr/bin/chromium, or CHROMIUM_PATH). The servers are the integration
 * project's: production builds started by tests/support/global-setup.ts.
 */
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    name: 'browser',
    include: ['tests/browser/**/*.test.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    // Chromium parses Scalar's 4 MB bundle before anything shows: seconds on a busy machine.
    testTimeout: 90_000,
    hookTimeout: 120_000,
  },
});
