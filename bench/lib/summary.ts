import { median } from '../../grader/src/harness/stats.ts';

/** Median and spread (min..max) of repeated measurements. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  samples: number[];
}

export function spread(samples: readonly number[]): Spread {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: median(sorted), min: sorted[0] ?? NaN, max: sorted.at(-1) ?? NaN, samples: sorted };
}

/** "12,345 (11,900–12,800)" with a formatter for the numbers. */
export function showSpread(s: Spread, fmt: (n: number) => string): string {
  return s.samples.length > 1 ? `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})` : fmt(s.median);
}

export const int = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–');
export const ms = (n: number): string => (Number.isFinite(n) ? n.toFixed(2) : '–');
