import { defineConfig } from 'vitest/config';

// Graded tests: one file per child process (the grader passes exactly one file), forked so that a
// learner's blocked thread can be killed from outside.
export default defineConfig({
  test: {
    // The fixture checks let the grader's own tests exercise pass, fail, hang and crash for real.
    include: ['grader/tests/**/*.test.ts', 'grader/unit/fixtures/checks/*.check.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 15_000,
    hookTimeout: 15_000,
    setupFiles: ['grader/src/harness/progress-setup.ts'],
    reporters: ['default'],
  },
});
