// Level 7 · provided: read it, don't change it.
import type { SeriesStore } from '../storage/series-store.ts';
import { compileMatchers, type TagMatcher } from './matchers.ts';
import { counterRate, reduceBucket, type QueryAgg } from './query-agg.ts';

/**
 * One number for a query over [start, end] across every matching series: the aggregation over all
 * their points together (as phase 0's alert monitor does), except `rate`, which is the sum of each
 * series' rate (a total rate; mixing two counters' samples would make no sense). Undefined = no data.
 */
export function windowValue(store: SeriesStore, q: { name: string; agg: QueryAgg; matchers: readonly TagMatcher[] }, start: number, end: number): number | undefined {
  const times: number[] = [];
  const values: number[] = [];
  let rateSum: number | undefined;
  for (const s of store.find(q.name, compileMatchers(q.matchers))) {
    const { from, to } = s.columns.range(start, end);
    if (q.agg === 'rate') {
      const t: number[] = [];
      const v: number[] = [];
      for (let i = from; i < to; i++) (t.push(s.columns.timeAt(i)), v.push(s.columns.valueAt(i)));
      const r = t.length > 0 ? counterRate(t, v) : undefined;
      if (r !== undefined) rateSum = (rateSum ?? 0) + r;
      continue;
    }
    for (let i = from; i < to; i++) (times.push(s.columns.timeAt(i)), values.push(s.columns.valueAt(i)));
  }
  if (q.agg === 'rate') return rateSum;
  return values.length === 0 ? undefined : reduceBucket(times, values, q.agg);
}
