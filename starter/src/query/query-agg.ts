// Level 7 · provided: read it, don't change it.
import { AGG_NAMES, isAggName } from './agg-name.ts';
import { aggregate } from './aggregate.ts';

/**
 * What the grown-up query API can compute per bucket: phase 0's aggregations (computed by phase
 * 0's `aggregate`, so p95 keeps exactly its nearest-rank meaning) plus p50, p99 and rate.
 */
export const QUERY_AGGS = [...AGG_NAMES, 'p50', 'p99', 'rate'] as const;
export type QueryAgg = (typeof QUERY_AGGS)[number];

export const isQueryAgg = (s: unknown): s is QueryAgg => (QUERY_AGGS as readonly unknown[]).includes(s);

/**
 * Reduce one bucket's points (times and values in time order, at least one). Undefined when the
 * aggregation has no answer for this bucket (rate needs two points at different times).
 */
export function reduceBucket(times: readonly number[], values: readonly number[], agg: QueryAgg): number | undefined {
  if (isAggName(agg)) return aggregate(values, agg);
  if (agg === 'p50') return nearestRank(values, 0.5);
  if (agg === 'p99') return nearestRank(values, 0.99);
  return counterRate(times, values);
}

/** Same rule as phase 0's p95: sorted[ceil(q * n) - 1]. */
export function nearestRank(values: readonly number[], q: number): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}

/**
 * Per-second increase of a counter over the bucket: the sum of its increases between consecutive
 * points (a drop is a counter reset, so the new value is all increase) over the time they span.
 */
export function counterRate(times: readonly number[], values: readonly number[]): number | undefined {
  const span = times[times.length - 1]! - times[0]!;
  if (values.length < 2 || span <= 0) return undefined;
  let increase = 0;
  for (let i = 1; i < values.length; i++) {
    const d = values[i]! - values[i - 1]!;
    increase += d >= 0 ? d : values[i]!;
  }
  return increase / (span / 1000);
}
