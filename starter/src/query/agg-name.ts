// Level 0 · provided: read it, don't change it.
/** The aggregations a query or an alert rule can ask for. */
export const AGG_NAMES = ['avg', 'min', 'max', 'sum', 'count', 'p95'] as const;
export type AggName = (typeof AGG_NAMES)[number];

export const isAggName = (s: unknown): s is AggName => (AGG_NAMES as readonly unknown[]).includes(s);

/** A time range with optional bucketing: points with start <= t <= end. */
export interface BucketSpec {
  start: number;
  end: number;
  /** Bucket width in ms; absent = one bucket over the whole range. */
  step?: number;
  agg: AggName;
}
