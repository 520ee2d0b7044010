import { existsSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

// The cluster mode against the real engines (nats-server, clickhouse-server, zookeeper), each started
// by the test on free ports with its data in a temp dir; a test whose binary is missing is skipped
// with the package to install. Like test/, it runs the finished service built once from the solutions.
const onLearningBranch = existsSync('lab.json');

export default defineConfig({
  test: {
    include: onLearningBranch ? [] : ['cluster/test/**/*.test.ts'],
    globalSetup: onLearningBranch ? [] : ['test/support/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Engines are heavy on 2 cores: one test file at a time.
    fileParallelism: false,
    passWithNoTests: true,
  },
});
