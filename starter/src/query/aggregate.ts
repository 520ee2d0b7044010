// Level 0 · exercise of phase 0: yours to write on its branch; later branches hold the reference.
import type { Point } from '../storage/series-store.ts';
import type { AggName, BucketSpec } from './agg-name.ts';
import { todo } from '../lib/todo.ts';

// TODO(phase-0): reduce a non-empty list of values with `agg`:
// avg, min, max, sum, count, and p95 = nearest rank: sorted[ceil(0.95 * n) - 1].
// An empty list is a programming error: throw a RangeError.
/**
 * Reduce a non-empty list of values. p95 is the nearest-rank percentile: the smallest value that
 * at least 95% of the values are less than or equal to (sorted[ceil(0.95 n) - 1]).
 */
export function aggregate(values: readonly number[], agg: AggName): number {
  void values, void agg;
  return todo(0, 'aggregate', 'docs/phase-0-poc.md#exercise-2-aggregate-a-time-range');
}

// TODO(phase-0): keep the points with spec.start <= t <= spec.end, group them into buckets
// [start + i*step, start + (i+1)*step) and return one point per non-empty bucket,
// { t: bucket start, value: aggregate(values, spec.agg) }, sorted by t.
// Without spec.step: a single bucket with t = spec.start (or none if no point is in range).
// `points` is sorted by time, but do not rely on it for correctness.
/**
 * Group the points with start <= t <= end into buckets [start + i*step, start + (i+1)*step) and
 * aggregate each; a bucket's point carries the bucket's start time. Empty buckets are left out.
 * Without a step, one bucket (t = start) covers the whole range.
 */
export function bucketize(points: readonly Point[], spec: BucketSpec): Point[] {
  void points, void spec;
  return todo(0, 'bucketize', 'docs/phase-0-poc.md#exercise-2-aggregate-a-time-range');
}
