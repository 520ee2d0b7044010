import type { Point } from '../storage/series-store.ts';
import type { AggName, BucketSpec } from './agg-name.ts';
import { todo } from '../lib/todo.ts';

// TODO(phase-0): reduce a non-empty list of values with `agg`:
// avg, min, max, sum, count, and p95 = nearest rank: sorted[ceil(0.95 * n) - 1].
// An empty list is a programming error: throw a RangeError.
export function aggregate(values: readonly number[], agg: AggName): number {
  void values, void agg;
  return todo(0, 'aggregate', 'docs/phase-0-poc.md#exercise-2-aggregate-a-time-range');
}

// TODO(phase-0): keep the points with spec.start <= t <= spec.end, group them into buckets
// [start + i*step, start + (i+1)*step) and return one point per non-empty bucket,
// { t: bucket start, value: aggregate(values, spec.agg) }, sorted by t.
// Without spec.step: a single bucket with t = spec.start (or none if no point is in range).
// `points` is sorted by time, but do not rely on it for correctness.
export function bucketize(points: readonly Point[], spec: BucketSpec): Point[] {
  void points, void spec;
  return todo(0, 'bucketize', 'docs/phase-0-poc.md#exercise-2-aggregate-a-time-range');
}
