import { median } from './stats.ts';

/**
 * In-process timing of functions side by side, for probes that compare a learner's function with a
 * baseline in the same run. Samples of the contenders are interleaved, so a noisy neighbour slows
 * all of them alike, and each contender's median is kept, so one GC pause or JIT tier-up does not
 * decide. Only ratios of these numbers belong in thresholds.
 */

export interface BenchOptions {
  /** Measured rounds; every round takes one sample of every contender. */
  rounds: number;
  /** Rounds run first and thrown away (JIT warm-up). Default 1. */
  warmupRounds?: number;
  /** A sample repeats the call until this much time has passed. Default 20 ms. */
  minSampleMs?: number;
  /** Stop early once this much time has passed and at least 3 rounds were measured (slow code stays bounded). */
  budgetMs?: number;
}

/** Milliseconds per call of `fn`, from one sample of at least `minMs`. */
export function msPerCall(fn: () => unknown, minMs: number): number {
  let calls = 0;
  const t0 = performance.now();
  let t = t0;
  do {
    fn();
    calls++;
    t = performance.now();
  } while (t - t0 < minMs);
  return (t - t0) / calls;
}


/** Median milliseconds per call of every contender, measured in interleaved rounds. */
export function benchSideBySide<K extends string>(contenders: Record<K, () => unknown>, opts: BenchOptions): Record<K, number> {
  const names = Object.keys(contenders) as K[];
  const samples = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  const warmup = opts.warmupRounds ?? 1;
  const started = performance.now();
  for (let round = 0; round < warmup + opts.rounds; round++) {
    if (opts.budgetMs !== undefined && round >= warmup + 3 && performance.now() - started > opts.budgetMs) break;
    for (const name of names) {
      const ms = msPerCall(contenders[name], opts.minSampleMs ?? 20);
      if (round >= warmup) samples[name].push(ms);
    }
  }
  return Object.fromEntries(names.map((n) => [n, median(samples[n])])) as Record<K, number>;
}
