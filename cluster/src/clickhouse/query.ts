import type { ClickHouseClient } from '@clickhouse/client';
import { RE2JS } from 're2js';
import type { TagMatcher } from '../../../starter/src/query/matchers.ts';
import type { QueryAgg } from '../../../starter/src/query/query-agg.ts';
import { rangeResult, type RangeQuery, type RangeResult } from '../../../starter/src/query/range-query.ts';
import { METRICS_TABLE, tagsOf } from './schema.ts';
import { sqlIdentifier, sqlInteger, sqlString } from './sql.ts';

/**
 * GET /query answered by ClickHouse with the embedded engine's answer (query/range-query.ts):
 * filtering, bucketing and every aggregation run in SQL, one row per (series, bucket) comes back.
 *
 * One difference, by necessity: the embedded engine lists series in the order they were first
 * stored, which ClickHouse does not know; here they come sorted by series key (seriesKey(): the
 * name, then the tags in key order), the same order on every node and every run.
 *
 * Points with equal timestamps in one series are in (batch id, position) order, the embedded engine
 * has them in arrival order: the same when batch ids sort in arrival order. Only `rate` can see it.
 */
export async function runClickHouseQuery(client: ClickHouseClient, q: RangeQuery, table: string = METRICS_TABLE): Promise<RangeResult> {
  const result = await client.query({ query: rangeQuerySql(q, table), format: 'JSONEachRow' });
  const rows = await result.json<BucketRow>();
  let pointsScanned = 0;
  const bySeries = new Map<string, RangeResult['series'][number]>();
  for (const row of rows) {
    pointsScanned += Number(row.n);
    let s = bySeries.get(row.series);
    if (!s) bySeries.set(row.series, (s = { tags: tagsOf(row.tk, row.tv), points: [] }));
    // null: the aggregation has no value for this bucket (rate over one instant): left out.
    if (row.v !== null) s.points.push({ t: Number(row.t), value: row.v });
  }
  const series = [...bySeries.entries()]
    .filter(([, s]) => s.points.length > 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, s]) => s);
  return rangeResult(q, series, pointsScanned);
}

/** One (series, bucket) of the answer: Int64 and UInt64 come as strings in JSON. */
interface BucketRow {
  series: string;
  tk: string[];
  tv: string[];
  t: string;
  n: string;
  v: number | null;
}

/** The SELECT for `q`: rows in range of the matching series, deduplicated (FINAL), grouped by series and bucket. */
export function rangeQuerySql(q: RangeQuery, table: string = METRICS_TABLE): string {
  const start = sqlInteger(q.start);
  // [start + i*step, start + (i+1)*step) carries the time start + i*step; no step: one bucket at start.
  const bucket = q.step === undefined ? `toInt64(${start})` : `toInt64(${start}) + intDiv(ts - toInt64(${start}), ${sqlInteger(q.step)}) * ${sqlInteger(q.step)}`;
  const where = [`name = ${sqlString(q.name)}`, `ts >= ${start}`, `ts <= ${sqlInteger(q.end)}`, ...q.matchers.map(matcherSql)];
  return `SELECT series, any(tag_keys) AS tk, any(tag_values) AS tv, ${bucket} AS t, count() AS n, ${aggSql(q.agg)} AS v
FROM ${sqlIdentifier(table)} FINAL
WHERE ${where.join('\n  AND ')}
GROUP BY series, t
ORDER BY series, t`;
}

/** One bucket's value as the embedded engine's reduceBucket computes it (query/query-agg.ts). */
function aggSql(agg: QueryAgg): string {
  switch (agg) {
    case 'avg':
    case 'min':
    case 'max':
    case 'sum':
      return `${agg}(value)`;
    case 'count':
      return 'toFloat64(count())';
    case 'p50':
      return nearestRankSql(50);
    case 'p95':
      return nearestRankSql(95);
    case 'p99':
      return nearestRankSql(99);
    case 'rate':
      return COUNTER_RATE_SQL;
  }
}

/**
 * sorted[ceil(q n) - 1] 0-based, i.e. element ceil(q n) of ClickHouse's 1-based arrays (n >= 1, so
 * at least 1). In integers (ceil(pct n / 100)): the float product and a float literal parsed by
 * 18.16 could land on the other side of an integer. quantileExact has another definition.
 */
const nearestRankSql = (percent: number): string => `arrayElement(arraySort(groupArray(value)), intDiv(count() * ${percent} + 99, 100))`;

/**
 * counterRate(): the values in time order, each step's increase (a drop is a reset: the new value is
 * all increase), summed, over the seconds between the first and the last point; NULL (no value) for
 * fewer than two points or no time between them. Points at the same time are in row identity order
 * (batch, seq); ClickHouse computes the repeated sorted array once.
 */
const RATE_VALUES = 'arrayMap(p -> tupleElement(p, 4), arraySort(groupArray((ts, batch, seq, value))))';
const COUNTER_RATE_SQL = `if(count() < 2 OR max(ts) <= min(ts), NULL, arraySum(arrayMap((x, y) -> if(x - y >= 0, x - y, x), arrayPopFront(${RATE_VALUES}), arrayPopBack(${RATE_VALUES}))) / ((max(ts) - min(ts)) / 1000))`;

/** A tag's value in a row, "" when the series has no such tag (as the embedded matchers read it). */
const tagValueSql = (key: string): string => `if(has(tag_keys, ${sqlString(key)}), tag_values[indexOf(tag_keys, ${sqlString(key)})], '')`;

function matcherSql(m: TagMatcher): string {
  const value = tagValueSql(m.key);
  switch (m.op) {
    case '=':
      return `${value} = ${sqlString(m.value)}`;
    case '!=':
      return `${value} != ${sqlString(m.value)}`;
    case '=~':
      return `match(${value}, ${sqlString(wholeValueRegex(m.value))})`;
    case '!~':
      return `NOT match(${value}, ${sqlString(wholeValueRegex(m.value))})`;
  }
}

/** A regex the embedded engine would refuse (re2js): ClickHouse must not be asked to read it another way. */
export class InvalidRegexError extends Error {
  override name = 'InvalidRegexError';
}

/**
 * `pattern` as ClickHouse's match() must see it to mean what re2js' matches() means: the embedded
 * matchers match the whole value, match() finds the pattern anywhere, so it is anchored; and
 * ClickHouse turns on RE2's dot_nl (`.` matching a newline), so `(?-s:)` turns it off again. A
 * pattern ending inside \Q... is closed with \E, or it would quote the `)$` added after it.
 */
export function wholeValueRegex(pattern: string): string {
  try {
    RE2JS.compile(pattern);
  } catch (err) {
    throw new InvalidRegexError(`invalid regex "${pattern}": ${(err as Error).message}`);
  }
  return `^(?-s:${pattern}${endsQuoted(pattern) ? '\\E' : ''})$`;
}

/** True when `pattern` ends inside a \Q...\E quote (in which only \E is special). */
function endsQuoted(pattern: string): boolean {
  let quoted = false;
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] !== '\\') continue;
    const next = pattern[i + 1];
    if (quoted) {
      if (next === 'E') (quoted = false), i++;
    } else {
      if (next === 'Q') quoted = true;
      i++; // the escaped character is not an escape itself
    }
  }
  return quoted;
}
