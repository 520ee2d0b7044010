import { defineConfig } from 'vitest/config';

// Tests of the finished service and its tools (dashboard, query API, alerting, bench smoke test).
// They run against the reference tree built once by support/global-setup.ts.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    passWithNoTests: true,
  },
});
