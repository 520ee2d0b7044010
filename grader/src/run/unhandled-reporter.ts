import { writeFileSync } from 'node:fs';

/**
 * A vitest reporter that writes the errors raised outside any assertion (an uncaught exception, an
 * unhandled rejection) to the file named by MS_UNHANDLED_FILE, with the test that was running. vitest's
 * JSON report leaves them out, and each one is an error that would kill the real service.
 */
export interface UnhandledError {
  /** vitest's word for it, e.g. "Uncaught Exception", "Unhandled Rejection". */
  type: string;
  message: string;
  stack: string;
  /** The test that was running when it was thrown, where vitest knows it. */
  test?: string;
}

interface VitestSerializedError {
  type?: string;
  name?: string;
  message?: string;
  stack?: string;
  VITEST_TEST_NAME?: string;
}

export default class UnhandledErrorsReporter {
  onTestRunEnd(_modules: unknown, errors: readonly unknown[]): void {
    const file = process.env.MS_UNHANDLED_FILE;
    if (!file) return;
    const out: UnhandledError[] = errors.map((raw) => {
      const e = (raw ?? {}) as VitestSerializedError;
      return {
        type: e.type ?? 'Unhandled Error',
        message: `${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e.message ?? String(raw)}`,
        stack: e.stack ?? '',
        test: e.VITEST_TEST_NAME,
      };
    });
    writeFileSync(file, JSON.stringify(out));
  }
}
