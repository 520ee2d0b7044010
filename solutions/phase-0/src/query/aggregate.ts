// Level 0 · exercise of phase 0: yours to write on its branch; later branches hold the reference.
import type { Point } from '../storage/series-store.ts';
import type { AggName, BucketSpec } from './agg-name.ts';

/**
 * Reduce a non-empty list of values. p95 is the nearest-rank percentile: the smallest value that
 * at least 95% of the values are less than or equal to (sorted[ceil(0.95 n) - 1]).
 */
export function aggregate(values: readonly number[], agg: AggName): number {
  if (values.length === 0) throw new RangeError('aggregate() needs at least one value');
  switch (agg) {
    case 'count':
      return values.length;
    case 'sum':
      return sum(values);
    case 'avg':
      return sum(values) / values.length;
    case 'min':
      return values.reduce((a, b) => (b < a ? b : a));
    case 'max':
      return values.reduce((a, b) => (b > a ? b : a));
    case 'p95': {
      const sorted = [...values].sort((a, b) => a - b);
      return sorted[Math.ceil(0.95 * sorted.length) - 1]!;
    }
  }
}

/**
 * Group the points with start <= t <= end into buckets [start + i*step, start + (i+1)*step) and
 * aggregate each; a bucket's point carries the bucket's start time. Empty buckets are left out.
 * Without a step, one bucket (t = start) covers the whole range.
 */
export function bucketize(points: readonly Point[], spec: BucketSpec): Point[] {
  const buckets = new Map<number, number[]>();
  for (const p of points) {
    if (p.t < spec.start || p.t > spec.end) continue;
    const t = spec.step === undefined ? spec.start : spec.start + Math.floor((p.t - spec.start) / spec.step) * spec.step;
    const values = buckets.get(t);
    if (values) values.push(p.value);
    else buckets.set(t, [p.value]);
  }
  return [...buckets.entries()].sort(([a], [b]) => a - b).map(([t, values]) => ({ t, value: aggregate(values, spec.agg) }));
}

function sum(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}
