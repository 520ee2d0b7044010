import { sendResult } from './result-channel.ts';

/**
 * The vitest reporter of graded runs. It runs in vitest's main process, where no learner code runs
 * (the graded tests and the code they import run in a forked worker), and sends the outcome of the
 * one test file to the grader on the result channel: each test's state and first error, errors
 * raised outside any assertion, and whether the file itself could run.
 */
export interface UnhandledError {
  /** vitest's word for it, e.g. "Uncaught Exception", "Unhandled Rejection". */
  type: string;
  message: string;
  stack: string;
  /** The test that was running when it was thrown, where vitest knows it. */
  test?: string;
}

export interface GradedTest {
  name: string;
  state: 'passed' | 'failed' | 'skipped' | 'pending';
  /** The first error (its stack, which starts with the message), for a failed test. */
  error?: string;
}

export interface GradedRun {
  /** The file's own state: 'failed' with no tests means it could not be loaded. */
  file: { state: string; errors: string[] } | undefined;
  tests: GradedTest[];
  unhandled: UnhandledError[];
}

interface SerializedError {
  type?: string;
  name?: string;
  message?: string;
  stack?: string;
  VITEST_TEST_NAME?: string;
}

interface ReportedCase {
  fullName: string;
  result(): { state: GradedTest['state']; errors?: ReadonlyArray<SerializedError> };
}
interface ReportedModule {
  state(): string;
  errors(): SerializedError[];
  children: { allTests(): Iterable<ReportedCase> };
}

// As vitest's JSON report words it: the stack (which starts with the message), else the message.
const text = (e: SerializedError): string => e.stack || e.message || String(e);

export default class GradedReporter {
  onTestRunEnd(modules: readonly ReportedModule[], errors: readonly unknown[]): void {
    const mod = modules[0];
    const run: GradedRun = {
      file: mod && { state: mod.state(), errors: mod.errors().map(text) },
      tests: mod
        ? [...mod.children.allTests()].map((t) => {
            const r = t.result();
            const first = r.errors?.[0];
            return { name: t.fullName, state: r.state, ...(r.state === 'failed' && first ? { error: text(first) } : {}) };
          })
        : [],
      unhandled: errors.map((raw) => {
        const e = (raw ?? {}) as SerializedError;
        return {
          type: e.type ?? 'Unhandled Error',
          message: `${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e.message ?? String(raw)}`,
          stack: e.stack ?? '',
          test: e.VITEST_TEST_NAME,
        };
      }),
    };
    sendResult(run);
  }
}
