import type { ParseLimits } from '../../../../starter/src/ingest/parse-limits.ts';
import { runWatched } from '../../../src/harness/watchdog.ts';
import { show, type Outcome, type ParseJob } from './outcome.ts';

/**
 * Run the learner's `parseFast` over `inputs` in a worker under the watchdog: a parser that loops
 * forever on some input is terminated and reported with that input, instead of hanging the grader.
 * `audit`: also report results whose properties are not plain data (`notPlain`), which postMessage hides.
 */
export async function parseAll(inputs: string[], limits?: ParseLimits, { audit = false } = {}): Promise<Outcome[]> {
  const current = new SharedArrayBuffer(4);
  const at = new Int32Array(current);
  const job: ParseJob = { inputs, current, ...(limits ? { limits } : {}), ...(audit ? { audit } : {}) };
  const run = await runWatched<Outcome[], ParseJob>({
    entry: new URL('./parse-worker.ts', import.meta.url),
    threads: [{ name: 'parser', data: job }],
    stallMs: 3000,
    deadlineMs: 20_000,
    describe: () => {
      const i = Atomics.load(at, 0);
      return `parseFast never returned for input #${i} (an endless loop at the end of input?): ${show(inputs[i] ?? '')}`;
    },
  });
  return run.results[0]!;
}
