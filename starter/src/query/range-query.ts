// Level 7 · provided: read it, don't change it.
import { BadParameterError } from '../http/errors.ts';
import type { Point, SeriesStore } from '../storage/series-store.ts';
import { compileMatchers, formatMatcher, parseMatcher, type TagMatcher } from './matchers.ts';
import { isQueryAgg, QUERY_AGGS, reduceBucket, type QueryAgg } from './query-agg.ts';
import { parseQueryParams } from './query-params.ts';

export interface RangeQuery {
  name: string;
  start: number;
  end: number;
  step?: number;
  agg: QueryAgg;
  matchers: TagMatcher[];
}

export interface RangeResult {
  name: string;
  agg: QueryAgg;
  start: number;
  end: number;
  step?: number;
  matchers: string[];
  series: Array<{ tags: Record<string, string>; points: Point[] }>;
  /** How many stored points the query read (what its cost grows with). */
  pointsScanned: number;
}

/**
 * Phase 0's parameters (name, start, end, step, tags=k:v, agg), read by phase 0's parser, plus
 * `match=` tag matchers (repeatable) and the aggregations p50, p99 and rate.
 */
export function parseRangeQuery(params: URLSearchParams, now: number): RangeQuery {
  const base = new URLSearchParams(params);
  base.delete('agg'); // checked below against the larger list
  const spec = parseQueryParams(base, now);
  const agg = params.get('agg') ?? 'avg';
  if (!isQueryAgg(agg)) throw new BadParameterError('agg', `must be one of ${QUERY_AGGS.join(', ')}`);
  const matchers: TagMatcher[] = [
    ...Object.entries(spec.tags).map(([key, value]): TagMatcher => ({ key, op: '=', value })),
    ...params.getAll('match').map(parseMatcher),
  ];
  return { name: spec.name, start: spec.start, end: spec.end, ...(spec.step === undefined ? {} : { step: spec.step }), agg, matchers };
}

/**
 * Answer from the store's per-series columns: binary search to the range, then one pass that cuts
 * it into buckets [start + i*step, start + (i+1)*step) (no step: one bucket at t = start) and
 * reduces each. Same buckets and values as phase 0's bucketize; series without a point are left out.
 */
export function runRangeQuery(store: SeriesStore, q: RangeQuery): RangeResult {
  const match = compileMatchers(q.matchers);
  const times: number[] = [];
  const values: number[] = [];
  let pointsScanned = 0;
  const series: RangeResult['series'] = [];
  for (const s of store.find(q.name, match)) {
    const { from, to } = s.columns.range(q.start, q.end);
    pointsScanned += to - from;
    const points: Point[] = [];
    let bucket = NaN;
    const flush = (): void => {
      if (times.length === 0) return;
      const value = reduceBucket(times, values, q.agg);
      if (value !== undefined) points.push({ t: bucket, value });
      times.length = 0;
      values.length = 0;
    };
    for (let i = from; i < to; i++) {
      const t = s.columns.timeAt(i);
      const b = q.step === undefined ? q.start : q.start + Math.floor((t - q.start) / q.step) * q.step;
      if (b !== bucket) {
        flush();
        bucket = b;
      }
      times.push(t);
      values.push(s.columns.valueAt(i));
    }
    flush();
    if (points.length > 0) series.push({ tags: s.tags, points });
  }
  return rangeResult(q, series, pointsScanned);
}

/** The answer to `q`: the query echoed back, then its series (whichever engine computed them). */
export function rangeResult(q: RangeQuery, series: RangeResult['series'], pointsScanned: number): RangeResult {
  return {
    name: q.name,
    agg: q.agg,
    start: q.start,
    end: q.end,
    ...(q.step === undefined ? {} : { step: q.step }),
    matchers: q.matchers.map(formatMatcher),
    series,
    pointsScanned,
  };
}
