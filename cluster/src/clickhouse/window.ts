import type { ClickHouseClient } from '@clickhouse/client';
import type { Metric } from '../../../starter/src/ingest/metric.ts';
import { METRICS_TABLE } from './schema.ts';
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
  return rows.map((r) => ({ name: r.name, tags: Object.fromEntries(r.tk.map((k, i) => [k, r.tv[i]!])), timestamp: Number(r.ts), value: r.value, client: '' }));
}
