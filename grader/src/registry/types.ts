/**
 * The course as data. Every phase of MetricStream Labs is one `PhaseSpec`; the grader CLI, the
 * branch generator, the verifier, the docs index and CI all read these and nothing else.
 * Paths are relative to the repository root unless a field says otherwise.
 */

/** One graded correctness check: a vitest file under grader/tests/, run in its own child process. */
export interface CorrectnessCheck {
  /** Short id, unique within the phase: shown in reports and named by mutants. */
  id: string;
  /** What the check proves, as the learner reads it. */
  title: string;
  /** The graded test file, e.g. `grader/tests/phase-0/roundtrip.test.ts`. */
  file: string;
  /** Shown when the check fails: what to look at first. Required. */
  hint: string;
  /** Lesson section for this check, e.g. `#exercise-01-validation` (appended to the lesson path). */
  anchor: string;
  /** Hard deadline for the whole file; past it the child is SIGKILLed and a hang is reported. Default 60 s. */
  deadlineMs?: number;
}

/** A threshold on a measured value. Ratios measured in one run, never absolute ms or req/s. */
export interface Threshold {
  op: '>=' | '<=';
  value: number;
  /** Unit shown next to the number, e.g. `x` for a ratio, `%` for a success rate. */
  unit: string;
}

/** One graded performance check: a module under grader/perf/ whose default export measures. */
export interface PerfCheck {
  id: string;
  title: string;
  /** Module exporting `default: PerfProbe` (see grader/src/harness/perf.ts). */
  file: string;
  hint: string;
  anchor: string;
  /** Absent: the value is recorded and reported, not graded. */
  threshold?: Threshold;
  /** Hard deadline for one measurement. Default 60 s. */
  deadlineMs?: number;
}

/** A realistic wrong implementation the grader must catch: proof that the checks are honest. */
export interface Mutant {
  /** The patch is `grader/mutants/phase-N/<name>.patch`. */
  name: string;
  /** The bug, in one sentence. */
  bug: string;
  /** Check ids (correctness or perf) that must fail on this mutant. */
  failsChecks: string[];
  /** Text the failure report must contain, so we know the message teaches. */
  messageIncludes: string;
}

export interface PhaseSpec {
  /** Phase number, 0-based; the order of the course. */
  id: number;
  /** Kebab-case name; the branch is `learning/phase-<id>-<slug>`. */
  slug: string;
  title: string;
  /** One sentence: what the learner builds and why. */
  summary: string;
  /** How long a learner typically spends, e.g. `3-4 h`. */
  estimate: string;
  /** What to know first (phases or topics). */
  prerequisites: string[];
  /** The lesson, e.g. `docs/phase-0-poc.md`. */
  lesson: string;
  /**
   * Exercise files, relative to `starter/`. In starter/ they hold `todo()` stubs; the reference
   * version lives at `solutions/phase-<id>/<same path>`. Each file belongs to exactly one phase.
   */
  exercises: string[];
  /** Correctness checks in the order a learner should fix them. */
  checks: CorrectnessCheck[];
  /** Performance checks, run only when every correctness check passes. */
  perf: PerfCheck[];
  /** Wrong implementations: unified diffs `grader/mutants/phase-<id>/<name>.patch` against the solved starter/. */
  mutants: Mutant[];
}

export const branchName = (p: Pick<PhaseSpec, 'id' | 'slug'>): string => `learning/phase-${p.id}-${p.slug}`;
export const DEFAULT_DEADLINE_MS = 60_000;
