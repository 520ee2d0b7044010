import { closeSync, fstatSync, writeSync } from 'node:fs';

/**
 * How a check's process hands its result to the grader: a pipe on this file descriptor, which the
 * grader opens for the process it starts and reads itself. Not a file: a file's path can be derived
 * from the environment, written by the code under test and read after its process was killed. The
 * graded tests run in vitest's forked workers, which do not inherit it; only the process the grader
 * started (vitest's main process, the probe runner) writes here, once, at the end.
 */
export const RESULT_FD = 3;

/** The child side: whether the grader opened the channel (not when a probe runner is started by hand). */
export function resultChannelOpen(): boolean {
  try {
    const stat = fstatSync(RESULT_FD);
    return stat.isSocket() || stat.isFIFO();
  } catch {
    return false;
  }
}

/** The child side: send the result and close the pipe. */
export function sendResult(value: unknown): void {
  const bytes = Buffer.from(JSON.stringify(value));
  for (let off = 0; off < bytes.length; ) off += writeSync(RESULT_FD, bytes, off);
  closeSync(RESULT_FD);
}

/** The grader side: the result sent, or undefined when none (or a broken one) arrived. */
export function parseResult<T>(text: string): T | undefined {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}
