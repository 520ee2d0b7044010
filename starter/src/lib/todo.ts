// Level 0 · provided: read it, don't change it.
/**
 * The error every exercise stub throws. The grader recognises it and reports the check as
 * "not implemented yet" with the lesson link, instead of as a crash.
 */
export class TodoError extends Error {
  override readonly name = 'TodoError';
  constructor(
    readonly phase: number,
    readonly fn: string,
    readonly lesson: string,
  ) {
    super(`TODO(phase-${phase}): ${fn} is not implemented yet — see ${lesson}`);
  }
}

/** Throw from a stub: `todo(0, 'validateMetric', 'docs/phase-0-poc.md#exercise-01-validation')`. */
export function todo(phase: number, fn: string, lesson: string): never {
  throw new TodoError(phase, fn, lesson);
}

/** True for a TodoError, also one that crossed a worker or process boundary (only the name survives). */
export function isTodoError(err: unknown): boolean {
  return (
    err instanceof TodoError ||
    (typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'TodoError') ||
    (err instanceof Error && err.message.startsWith('TODO(phase-'))
  );
}
