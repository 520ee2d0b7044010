import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_DEADLINE_MS, type CorrectnessCheck } from '../registry/types.ts';
import { cap, type CheckResult, type Reason, type TestFailure } from '../report/model.ts';
import { REPO_ROOT } from '../harness/target.ts';
import { describeExit, runChild, stripAnsi } from './child.ts';
import type { GradedRun, UnhandledError } from './graded-reporter.ts';
import { parseResult } from './result-channel.ts';
import { learnerEnv } from './child-env.ts';

export interface RunContext {
  /** Tree under test (its starter/ holds the learner's code). */
  target: string;
  seed: number;
  /** Lesson path of the phase, e.g. docs/phase-0-poc.md. */
  lesson: string;
  /** How many failures to expand per check. */
  maxFailures?: number;
}

const VITEST = path.join(REPO_ROOT, 'node_modules/vitest/vitest.mjs');
const GRADED_CONFIG = 'grader/vitest.graded.config.ts';
const GRADED_REPORTER = './grader/src/run/graded-reporter.ts';

/** The message a learner should read: the assertion text, without the stack trace. */
export function firstLines(message: string): string {
  const text = stripAnsi(message);
  const stackAt = text.search(/\n\s+at /);
  return cap((stackAt === -1 ? text : text.slice(0, stackAt)).trim());
}

const TODO_RE = /TODO\(phase-\d+\): [^\n]*/;

/** The first stack frame in the learner's code (starter/), so a crash points at a line they wrote. */
function learnerFrame(stack: string): string | undefined {
  return stack
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l.startsWith('at ') && l.includes(`${path.sep}starter${path.sep}`));
}

/**
 * An error thrown outside any assertion (an uncaught exception, an unhandled rejection) fails the
 * check whatever the assertions said: in the real service it kills the process.
 */
function crashFailures(errors: UnhandledError[]): TestFailure[] {
  return errors.map((e) => {
    const frame = learnerFrame(e.stack);
    return {
      test: e.test ?? '(outside any test)',
      message: firstLines(`${e.type}: ${e.message}`) + (frame ? `\n${frame}` : ''),
    };
  });
}
const TIMEOUT_RE = /Test timed out in (\d+)ms/;

function classify(failures: TestFailure[]): Reason {
  if (failures.length > 0 && failures.every((f) => TODO_RE.test(f.message))) return 'todo';
  if (failures.some((f) => TIMEOUT_RE.test(f.message))) return 'hang';
  return 'assertion';
}

/**
 * Run one graded test file in its own vitest child process against ctx.target, under a hard deadline.
 * The result says pass, fail (with the first failures and why), or error (the file could not run).
 */
export async function runCorrectnessCheck(check: CorrectnessCheck, ctx: RunContext): Promise<CheckResult> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'ms-grade-'));
  const progressFile = path.join(work, 'progress');
  const deadlineMs = check.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const base = {
    kind: 'correctness' as const,
    id: check.id,
    title: check.title,
    hint: check.hint,
    lesson: `${ctx.lesson}${check.anchor}`,
  };
  try {
    const run = await runChild(
      process.execPath,
      [VITEST, 'run', '--config', GRADED_CONFIG, '--configLoader', 'runner', check.file, `--reporter=${GRADED_REPORTER}`],
      {
        cwd: REPO_ROOT,
        deadlineMs,
        // The outcome comes back on the result channel, from vitest's main process; the work folder
        // only holds the progress note (which test is running), written from the test worker.
        // `--configLoader runner`: the default loader writes a bundled config into node_modules,
        // which the sandbox shows read-only.
        resultChannel: true,
        sandbox: { readOnly: [REPO_ROOT, ctx.target], writable: [work] },
        env: learnerEnv({
          MS_TARGET: ctx.target,
          MS_SEED: String(ctx.seed),
          MS_PROGRESS_FILE: progressFile,
          NO_COLOR: '1',
          FORCE_COLOR: '0',
        }),
      },
    );
    const durationMs = run.durationMs;

    if (run.timedOut) {
      const [test = 'setting up the test file', startedAt] = existsSync(progressFile)
        ? readFileSync(progressFile, 'utf8').split('\n')
        : [];
      const stuckFor = startedAt ? ` (running for ${((Date.now() - Number(startedAt)) / 1000).toFixed(1)} s)` : '';
      return {
        ...base,
        status: 'fail',
        reason: 'hang',
        summary: `hang or deadlock suspected in "${test}"${stuckFor}: killed at the ${deadlineMs / 1000} s deadline`,
        failures: [{ test, message: `no progress until the ${deadlineMs / 1000} s deadline; the test process was killed` }],
        durationMs,
      };
    }

    const outcome = parseResult<GradedRun>(run.result);
    if (!outcome) {
      return {
        ...base,
        status: 'error',
        reason: 'crash',
        summary: 'the test file could not run',
        failures: [{ test: check.file, message: firstLines(run.stderr || run.stdout || describeExit(run)) }],
        durationMs,
      };
    }

    const { file, tests: assertions } = outcome;
    if (!file || (assertions.length === 0 && file.state !== 'passed')) {
      const message = file?.errors[0] ? firstLines(file.errors[0]) : firstLines(run.stderr);
      const todo = TODO_RE.exec(message);
      return {
        ...base,
        status: todo ? 'fail' : 'error',
        reason: todo ? 'todo' : 'crash',
        summary: todo ? `not implemented yet: ${todo[0]}` : `your code could not be loaded: ${message.split('\n')[0]}`,
        failures: [{ test: '(loading the test file)', message }],
        durationMs,
      };
    }
    // A test that was collected but never finished (its worker died under it) is a failure, not a gap.
    const failed = assertions.filter((a) => a.state === 'failed' || a.state === 'pending');
    const passed = assertions.filter((a) => a.state === 'passed').length;
    const failures = failed.map((a) => ({ test: a.name, message: a.state === 'pending' ? 'did not run to the end: the test process stopped under it' : firstLines(a.error ?? 'failed') }));
    const tests = { passed, total: assertions.length };
    const { unhandled } = outcome;
    // All assertions passed, yet vitest failed the run: something the report does not name went wrong.
    const silentFailure = failed.length === 0 && unhandled.length === 0 && run.code !== 0;
    if (unhandled.length > 0 || silentFailure) {
      const crashes = silentFailure
        ? [{ test: '(the test run)', message: `the test process ${describeExit(run)} although every test passed` }]
        : crashFailures(unhandled);
      const first = unhandled[0];
      return {
        ...base,
        status: 'fail',
        reason: 'crash',
        summary: first
          ? `your code threw outside the tests (${first.type.toLowerCase()}${first.test ? ` during "${first.test}"` : ''}): ${first.message.split('\n')[0]}`
          : crashes[0]!.message,
        failures: [...crashes, ...failures].slice(0, ctx.maxFailures ?? 3),
        tests,
        durationMs,
      };
    }
    if (failed.length === 0 && passed > 0) return { ...base, status: 'pass', failures: [], tests, durationMs };

    const reason = classify(failures);
    const todo = failures.map((f) => TODO_RE.exec(f.message)?.[0]).find(Boolean);
    const summary =
      reason === 'todo'
        ? `not implemented yet: ${todo}`
        : reason === 'hang'
          ? `hang suspected: "${failures.find((f) => TIMEOUT_RE.test(f.message))?.test}" did not finish in time`
          : `${failed.length} of ${assertions.length} tests failed`;
    return {
      ...base,
      status: 'fail',
      reason,
      summary,
      failures: failures.slice(0, ctx.maxFailures ?? 3),
      tests,
      durationMs,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
