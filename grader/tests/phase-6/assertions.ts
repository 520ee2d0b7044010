import type { Outcome } from './driver-client.ts';

/** Shared wording of phase 6's graded checks, so every test reports a broken pool the same way. */

const list = (seqs: number[]): string => (seqs.length > 8 ? `${seqs.slice(0, 8).join(', ')}, … (${seqs.length} in all)` : seqs.join(', '));

/** Every task in `outcomes` settled (none lost); names the lost ones otherwise. */
export function expectAllSettled(outcomes: Outcome[], what: string): void {
  const lost = outcomes.filter((o) => o.state === 'pending').map((o) => o.seq);
  if (lost.length) {
    throw new Error(`${lost.length} ${what} never settled (lost tasks: their promise neither resolved nor rejected): tasks ${list(lost)}`);
  }
}

/** Each fulfilled outcome carries its own task's result. */
export function expectOwnResults(outcomes: Outcome[]): void {
  const mixed = outcomes.filter((o) => o.state === 'fulfilled' && o.resultSeq !== o.seq);
  if (mixed.length) {
    const o = mixed[0]!;
    throw new Error(`task ${o.seq} resolved with the result of task ${o.resultSeq}: results are delivered to the wrong submitter (${mixed.length} such tasks)`);
  }
}

/** Task `seq` ran exactly `times` times in a worker, per the workers' own shared counters. */
export function expectRuns(runs: number[], seqs: number[], times: number, why: string): void {
  const wrong = seqs.filter((s) => runs[s] !== times);
  if (wrong.length) {
    const s = wrong[0]!;
    throw new Error(`task ${s} ran ${runs[s]} time(s) in the workers, expected ${times}: ${why} (${wrong.length} such tasks: ${list(wrong)})`);
  }
}

/** Per-test limit: above the driver's own watchdog (runScenario), so a stall is reported as one. */
export const SCENARIO_TEST = { timeout: 45_000 };
