import type { ClickHouseClient } from '@clickhouse/client';
import type { Metric } from '../../../starter/src/ingest/metric.ts';
import { METRICS_TABLE, tagsOf } from './schema.ts';
import { sqlIdentifier, sqlInteger, sqlString } from './sql.ts';

/**
 * Every stored point of the metrics called `names` with a timestamp in [from, to], deduplicated
 * (FINAL), in (series, time, batch, seq) order: what the alerts node loads into its in-memory store
 * before evaluating the rules, so the rules run the embedded engine's code on the cluster's data.
 */
export async function readWindow(client: ClickHouseClient, names: readonly string[], from: number, to: number, table: string = METRICS_TABLE): Promise<Metric[]> {
  if (names.length === 0) return [];
  const query = `SELECT name, tag_keys AS tk, tag_values AS tv, ts, value FROM ${sqlIdentifier(table)} FINAL
    WHERE name IN (${names.map(sqlString).join(', ')}) AND ts >= ${sqlInteger(from)} AND ts <= ${sqlInteger(to)}
    ORDER BY series, ts, batch, seq`;
  const rows = await (await client.query({ query, format: 'JSONEachRow' })).json<{ name: string; tk: string[]; tv: string[]; ts: string; value: number }>();
  return rows.map((r) => ({ name: r.name, tags: tagsOf(r.tk, r.tv), timestamp: Number(r.ts), value: r.value, client: '' }));
}

/** The catalogue's span: series seen in the last day (the whole table would be a full scan). */
export const CATALOG_WINDOW_MS = 86_400_000;
/** At most this many series listed: a picker, not an export. */
export const CATALOG_MAX_SERIES = 10_000;

/**
 * Every metric name with the tag sets of its series that have points in [from, to], sorted by
 * name then series key: GET /series (the dashboard's picker) for the whole cluster.
 */
export async function readCatalog(client: ClickHouseClient, from: number, to: number, table: string = METRICS_TABLE): Promise<Array<{ name: string; series: Array<Record<string, string>> }>> {
  const query = `SELECT name, any(tag_keys) AS tk, any(tag_values) AS tv FROM ${sqlIdentifier(table)}
    WHERE ts >= ${sqlInteger(from)} AND ts <= ${sqlInteger(to)} GROUP BY name, series ORDER BY name, series LIMIT ${CATALOG_MAX_SERIES}`;
  const rows = await (await client.query({ query, format: 'JSONEachRow' })).json<{ name: string; tk: string[]; tv: string[] }>();
  const byName = new Map<string, Array<Record<string, string>>>();
  for (const r of rows) {
    let list = byName.get(r.name);
    if (!list) byName.set(r.name, (list = []));
    list.push(tagsOf(r.tk, r.tv));
  }
  return [...byName.entries()].map(([name, series]) => ({ name, series }));
}
