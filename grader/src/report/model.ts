import type { Threshold } from '../registry/types.ts';

/**
 * pass, fail, or error (the learner's code could not run at all: it does not compile, crashes on
 * import). `skip`: not run because an earlier stage failed (perf waits for correctness).
 */
export type Status = 'pass' | 'fail' | 'error' | 'skip';

/** Why a check did not pass, so the report can say it in the right words. */
export type Reason =
  | 'todo' // a stub threw TodoError: "not implemented yet"
  | 'assertion' // a graded test failed
  | 'hang' // killed at its deadline: hang or deadlock suspected
  | 'crash' // the test file or the probe could not run the learner's code
  | 'compile' // the TypeScript compiler rejected the learner's code
  | 'threshold' // measured, but on the wrong side of the threshold
  | 'noisy' // measurements disagree too much to call
  | 'internal'; // the grader itself failed: not the learner's fault

export interface TestFailure {
  test: string;
  message: string;
}

export interface Measured {
  value: number;
  unit: string;
  threshold?: Threshold;
  /** Every measurement taken (a miss is re-measured before it fails). */
  attempts: number[];
  details: Record<string, number | string>;
}

export interface CheckResult {
  kind: 'compile' | 'correctness' | 'perf';
  id: string;
  title: string;
  status: Status;
  reason?: Reason;
  /** One line for the summary. */
  summary?: string;
  /** The first few failures, messages capped. */
  failures: TestFailure[];
  tests?: { passed: number; total: number };
  hint: string;
  /** Lesson path with anchor. */
  lesson: string;
  durationMs: number;
  measured?: Measured;
}

export interface GradeReport {
  version: 1;
  /** `exercises`: the learner's files this phase, relative to starter/ (absent in reports of older versions). */
  phase: { id: number; slug: string; title: string; exercises?: string[] };
  target: string;
  /** Branch graded with --branch, if any. */
  branch?: string;
  /** How the learner's code was confined while it ran (run/sandbox.ts), in words; absent in older reports. */
  sandbox?: string;
  seed: number;
  startedAt: string;
  durationMs: number;
  checks: CheckResult[];
  /**
   * Set when some of the phase's checks were not run (`--only`, `--skip-perf`, watch mode): such a run
   * is never a verdict on the phase, whatever the checks that did run said.
   */
  partial?: { notRun: string[] };
  passed: number;
  failed: number;
  status: 'pass' | 'fail' | 'error';
}

/** Cap learner-controlled text so a chatty failure cannot flood the report. */
export function cap(text: string, max = 500): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

export function summarize(checks: CheckResult[]): Pick<GradeReport, 'passed' | 'failed' | 'status'> {
  const passed = checks.filter((c) => c.status === 'pass').length;
  const failed = checks.filter((c) => c.status === 'fail' || c.status === 'error').length;
  const status = checks.some((c) => c.status === 'error') ? 'error' : failed > 0 ? 'fail' : 'pass';
  return { passed, failed, status };
}
