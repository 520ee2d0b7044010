import { defineConfig } from 'vitest/config';

// The grader's own tests (not the graded tests a learner is judged by).
export default defineConfig({
  test: {
    include: ['grader/unit/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
