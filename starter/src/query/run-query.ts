// Level 0 · provided: read it, don't change it.
import type { Point, SeriesStore } from '../storage/series-store.ts';
import { bucketize } from './aggregate.ts';
import type { QuerySpec } from './query-params.ts';

export interface QueryResult {
  name: string;
  agg: string;
  start: number;
  end: number;
  step?: number;
  series: Array<{ tags: Record<string, string>; points: Point[] }>;
}

/** Answer a query from the in-memory store: every matching series, bucketed and aggregated. */
export function runQuery(store: SeriesStore, q: QuerySpec): QueryResult {
  const series = store
    .select(q.name, q.tags, q.start, q.end)
    .map((s) => ({ tags: s.tags, points: bucketize(s.points, q) }))
    .filter((s) => s.points.length > 0);
  return { name: q.name, agg: q.agg, start: q.start, end: q.end, ...(q.step === undefined ? {} : { step: q.step }), series };
}
