import { DEFAULT_DEADLINE_MS, type PerfCheck, type Threshold } from '../registry/types.ts';
import type { Measurement } from '../harness/perf.ts';
import type { CheckResult } from '../report/model.ts';
import { REPO_ROOT } from '../harness/target.ts';
import { describeExit, runChild } from './child.ts';
import { parseResult } from './result-channel.ts';
import { median } from '../harness/stats.ts';

export { median };
import { firstLines, type RunContext } from './correctness.ts';
import { learnerEnv } from './child-env.ts';

type Attempt = { ok: true; measurement: Measurement } | { ok: false; message: string; hang?: boolean };

/** How many measurements at most: a miss is measured again before it fails. */
const MAX_ATTEMPTS = 3;

export const meets = (value: number, t: Threshold): boolean => (t.op === '>=' ? value >= t.value : value <= t.value);


/**
 * Attempts that land on both sides of the threshold and spread widely cannot be called either way:
 * the machine was too noisy, and the report says so instead of guessing.
 */
export function tooNoisy(values: readonly number[], t: Threshold): boolean {
  const passes = values.filter((v) => meets(v, t)).length;
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return passes > 0 && passes < values.length && lo > 0 && hi / lo > 1.5;
}

async function measureOnce(check: PerfCheck, ctx: RunContext, verbose: boolean): Promise<Attempt> {
  const deadlineMs = check.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const run = await runChild(process.execPath, ['--import', 'tsx', 'grader/src/perf/probe-child.ts', check.file], {
    cwd: REPO_ROOT,
    deadlineMs,
    resultChannel: true,
    sandbox: { readOnly: [REPO_ROOT, ctx.target], writable: [] },
    env: learnerEnv({ MS_TARGET: ctx.target, MS_SEED: String(ctx.seed), MS_VERBOSE: verbose ? '1' : '0' }),
  });
  if (verbose && run.stderr) process.stderr.write(run.stderr);
  if (run.timedOut) return { ok: false, hang: true, message: `the measurement did not finish within ${deadlineMs / 1000} s` };
  const out = parseResult<{ ok: true; measurement: Measurement } | { ok: false; error: { message: string } }>(run.result);
  if (!out) return { ok: false, message: firstLines(run.stderr || `probe exited with code ${run.code} and sent no result`) };
  if (!out.ok) return { ok: false, message: firstLines(out.error.message) };
  // A result followed by a crash is no result: the process must also end as the probe runner ends.
  if (run.code !== 0) return { ok: false, message: `the probe process ${describeExit(run)} after sending its result` };
  return out;
}

const fmt = (v: number): string => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));

/** Measure one performance check (re-measuring a miss) and judge it against its threshold. */
export async function runPerfCheck(check: PerfCheck, ctx: RunContext & { verbose?: boolean }): Promise<CheckResult> {
  const started = performance.now();
  const base = { kind: 'perf' as const, id: check.id, title: check.title, hint: check.hint, lesson: `${ctx.lesson}${check.anchor}`, failures: [] };
  const values: number[] = [];
  let last: Measurement | undefined;
  for (let i = 0; i < MAX_ATTEMPTS; i++) {
    const attempt = await measureOnce(check, ctx, ctx.verbose ?? false);
    if (!attempt.ok) {
      const todo = /TODO\(phase-\d+\): [^\n]*/.exec(attempt.message)?.[0];
      return {
        ...base,
        status: 'fail',
        reason: todo ? 'todo' : attempt.hang ? 'hang' : 'crash',
        summary: todo ? `not implemented yet: ${todo}` : attempt.hang ? `hang suspected: ${attempt.message}` : `could not measure: ${attempt.message.split('\n')[0]}`,
        failures: [{ test: check.title, message: attempt.message }],
        durationMs: performance.now() - started,
      };
    }
    last = attempt.measurement;
    values.push(last.value);
    if (!check.threshold || meets(last.value, check.threshold)) break;
  }
  const t = check.threshold;
  const value = values.length === 1 ? values[0]! : median(values);
  const measured = { value, unit: t?.unit ?? '', threshold: t, attempts: values, details: last!.details };
  const durationMs = performance.now() - started;
  const shown = `${fmt(value)}${t?.unit ?? ''}`;
  if (!t) return { ...base, status: 'pass', summary: `measured ${shown} (recorded, not graded)`, measured, durationMs };
  const expected = `${t.op} ${fmt(t.value)}${t.unit}`;
  const again = values.length > 1 ? ` (median of ${values.length} runs: ${values.map(fmt).join(', ')})` : '';
  if (meets(value, t)) return { ...base, status: 'pass', summary: `${shown}, threshold ${expected}${again}`, measured, durationMs };
  if (tooNoisy(values, t)) {
    return {
      ...base,
      status: 'fail',
      reason: 'noisy',
      summary: `too noisy to call: runs measured ${values.map(fmt).join(', ')} against ${expected}; rerun on a quieter machine`,
      measured,
      durationMs,
    };
  }
  return { ...base, status: 'fail', reason: 'threshold', summary: `Expected ${expected}, got ${shown}${again}`, measured, durationMs };
}
