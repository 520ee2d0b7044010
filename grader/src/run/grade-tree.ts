import type { PhaseSpec } from '../registry/types.ts';
import { summarize, type CheckResult, type GradeReport } from '../report/model.ts';
import { runCorrectnessCheck } from './correctness.ts';
import { runPerfCheck } from './perf.ts';
import { typecheckStarter } from './typecheck.ts';
import { describeSandbox } from './sandbox.ts';

export interface GradeOptions {
  phase: PhaseSpec;
  target: string;
  seed: number;
  /** Run the performance checks when correctness passes (default true). */
  perf?: boolean;
  /** Only these check ids (verify uses it for mutants). */
  only?: readonly string[];
  /** Skip the type check (verify's stub and mutant trees). */
  typecheck?: boolean;
  verbose?: boolean;
  branch?: string;
  /** Called as each check finishes, for live output. */
  onCheck?: (result: CheckResult) => void;
}

const COMPILE_HINT = 'Fix the TypeScript errors first: the grader runs your code under strict TypeScript, as the service does.';

/**
 * The grading pipeline for one tree: type check -> correctness checks (each in its own process)
 * -> performance checks (only when every correctness check passed). Never throws for the learner's
 * failures; they become check results.
 */
export async function gradeTree(opts: GradeOptions): Promise<GradeReport> {
  const { phase } = opts;
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const checks: CheckResult[] = [];
  const push = (r: CheckResult) => {
    checks.push(r);
    opts.onCheck?.(r);
  };
  const ctx = { target: opts.target, seed: opts.seed, lesson: phase.lesson, verbose: opts.verbose };
  const wanted = (id: string) => !opts.only || opts.only.includes(id);

  if (opts.typecheck !== false) {
    const t0 = performance.now();
    const errors = typecheckStarter(opts.target);
    if (errors.length > 0) {
      push({
        kind: 'compile',
        id: 'typescript',
        title: 'Your code compiles under strict TypeScript',
        status: 'error',
        reason: 'compile',
        summary: `${errors.length} TypeScript error${errors.length === 1 ? '' : 's'}`,
        failures: errors.slice(0, 5),
        hint: COMPILE_HINT,
        lesson: phase.lesson,
        durationMs: performance.now() - t0,
      });
    }
  }

  for (const check of phase.checks.filter((c) => wanted(c.id))) push(await runCorrectnessCheck(check, ctx));

  const correct = checks.every((c) => c.status === 'pass');
  for (const check of phase.perf.filter((c) => wanted(c.id))) {
    if (opts.perf === false || !correct) {
      push({
        kind: 'perf',
        id: check.id,
        title: check.title,
        status: 'skip',
        summary: opts.perf === false ? 'performance checks not requested' : 'runs once every correctness check passes',
        failures: [],
        hint: check.hint,
        lesson: `${phase.lesson}${check.anchor}`,
        durationMs: 0,
      });
      continue;
    }
    push(await runPerfCheck(check, ctx));
  }

  // Checks left out by request make the run partial; perf skipped because correctness failed does not:
  // that run is already a full verdict (not done).
  const notRun = [
    ...phase.checks.filter((c) => !wanted(c.id)),
    ...phase.perf.filter((c) => !wanted(c.id) || opts.perf === false),
  ].map((c) => c.id);
  return {
    version: 1,
    phase: { id: phase.id, slug: phase.slug, title: phase.title, exercises: phase.exercises },
    target: opts.target,
    branch: opts.branch,
    sandbox: describeSandbox(),
    seed: opts.seed,
    startedAt,
    durationMs: performance.now() - started,
    checks,
    ...(notRun.length > 0 ? { partial: { notRun } } : {}),
    ...summarize(checks),
  };
}
