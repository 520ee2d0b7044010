import { defineConfig } from 'vitest/config';

// Tests of the finished service and its tools (dashboard, query API, alerting, bench smoke test).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    passWithNoTests: true,
  },
});
