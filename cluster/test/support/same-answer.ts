import { expect } from 'vitest';
import type { QueryAgg } from '../../../starter/src/query/query-agg.ts';
import type { RangeQuery, RangeResult } from '../../../starter/src/query/range-query.ts';
import type { Point } from '../../../starter/src/storage/series-store.ts';
import { seriesKey } from '../../src/clickhouse/schema.ts';

/** Sums are added in another order by ClickHouse: equal to 1e-9, relative (absolute below 1). */
const APPROXIMATE: ReadonlySet<QueryAgg> = new Set(['avg', 'sum', 'rate']);

/**
 * ClickHouse's answer `ch` is the embedded engine's `ref`: series sorted by key (ClickHouse cannot
 * know the order they were first stored in), every point equal, avg/sum/rate to 1e-9.
 */
export function expectSameAnswer({ q, ch, ref }: { q: RangeQuery; ch: RangeResult; ref: RangeResult }, label: string): void {
  const keys = ch.series.map((s) => seriesKey(q.name, s.tags));
  expect(keys, `${label}: series sorted by key`).toEqual([...keys].sort(byString));
  const sorted = [...ref.series].sort((a, b) => byString(seriesKey(q.name, a.tags), seriesKey(q.name, b.tags)));
  const expected = { ...ref, series: sorted.map((s, i) => ({ ...s, points: s.points.map((p, j) => tolerate(q.agg, p, ch.series[i]?.points[j])) })) };
  expect(ch, label).toEqual(expected);
}

/** The expected point, with ClickHouse's value in its place when the aggregation may differ in the last bits. */
function tolerate(agg: QueryAgg, want: Point, got: Point | undefined): Point {
  if (!APPROXIMATE.has(agg) || !got || got.t !== want.t) return want;
  const close = Math.abs(got.value - want.value) <= 1e-9 * Math.max(1, Math.abs(want.value), Math.abs(got.value));
  return close ? got : want;
}

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
