import type { ClickHouseClient } from '@clickhouse/client';
import { sqlIdentifier, sqlString } from './sql.ts';

/**
 * The `metrics` table in ClickHouse 18.16 (no TTL, CODEC, DateTime64 nor Map there): one row per
 * point, time as Int64 epoch ms, tags as two parallel arrays sorted by key.
 *
 * Exactly once: a row's identity is (batch id, position in the batch), part of the sorting key of a
 * ReplacingMergeTree. A redelivered batch inserts the same rows again; reads use FINAL, which
 * collapses rows with equal keys, so they count once before any background merge has run.
 *
 * Partitions are UTC days as a day number (intDiv(ts, 86400000)), not toYYYYMMDD(toDateTime(...)):
 * DateTime is a UInt32 of seconds in 18.16 and wraps after 2106, while the service accepts times up
 * to 8.64e15 ms; a wrapped partition would be dropped by the retention as if it were old.
 */

export const METRICS_TABLE = 'metrics';

/** Column order of the table and of every insert (the sink writes RowBinary in this order). */
export const METRIC_COLUMNS = ['name', 'series', 'ts', 'value', 'tag_keys', 'tag_values', 'client', 'batch', 'seq'] as const;

export const MS_PER_DAY = 86_400_000;

/**
 * Identity of a series, the same string as the embedded store's seriesKey() (storage/series-store.ts):
 * JSON of [name, ...[key, value] pairs in key order]. Stored in the `series` column: queries group by it.
 */
export function seriesKey(name: string, tags: Record<string, string>): string {
  const keys = Object.keys(tags).sort();
  return JSON.stringify([name, ...keys.map((k) => [k, tags[k]])]);
}

export interface SchemaOptions {
  /** Name of the table queries read (default `metrics`). */
  table?: string;
  /** ReplicatedReplacingMergeTree under /clickhouse/tables/{shard}/<table>, replica {replica}: needs the server's macros and ZooKeeper. */
  replicated?: boolean;
  /**
   * A cluster of the server's remote_servers: the rows then live in `<table>_local` on every server,
   * and `<table>` is a Distributed table over them, sharded by series (a series, and every copy of a
   * redelivered row, is on one shard: FINAL can only collapse rows that sit side by side).
   */
  cluster?: string;
}

export interface MetricsSchema {
  /** Where inserts and queries go. */
  table: string;
  /** Where the rows are (= table without a cluster): what retention drops partitions of. */
  localTable: string;
}

/** Create the tables on the server `client` talks to (run it on every server of a cluster). Idempotent. */
export async function createSchema(client: ClickHouseClient, opts: SchemaOptions = {}): Promise<MetricsSchema> {
  const table = opts.table ?? METRICS_TABLE;
  const localTable = opts.cluster === undefined ? table : `${table}_local`;
  await client.command({ query: metricsTableDdl(localTable, opts.replicated ?? false) });
  if (opts.cluster !== undefined) {
    await client.command({
      query: `CREATE TABLE IF NOT EXISTS ${sqlIdentifier(table)} AS ${sqlIdentifier(localTable)} ENGINE = Distributed(${sqlIdentifier(opts.cluster)}, currentDatabase(), ${sqlString(localTable)}, cityHash64(series))`,
    });
  }
  return { table, localTable };
}

export function metricsTableDdl(table: string, replicated: boolean): string {
  const engine = replicated ? `ReplicatedReplacingMergeTree(${sqlString(`/clickhouse/tables/{shard}/${table}`)}, '{replica}')` : 'ReplacingMergeTree()';
  return `CREATE TABLE IF NOT EXISTS ${sqlIdentifier(table)} (
  name String,
  series String,
  ts Int64,
  value Float64,
  tag_keys Array(String),
  tag_values Array(String),
  client String,
  batch String,
  seq UInt32
) ENGINE = ${engine}
PARTITION BY intDiv(ts, ${MS_PER_DAY})
ORDER BY (name, series, ts, batch, seq)`;
}

/** A row's tags from its tag_keys and tag_values columns. */
export function tagsOf(keys: readonly string[], values: readonly string[]): Record<string, string> {
  const tags: Record<string, string> = {};
  // defineProperty: a tag named __proto__ is a tag like any other, as in the embedded store.
  keys.forEach((k, i) => Object.defineProperty(tags, k, { value: values[i]!, enumerable: true, writable: true, configurable: true }));
  return tags;
}

/** Whether the server `client` talks to has a table called `table` (in its current database). */
export async function tableExists(client: ClickHouseClient, table: string): Promise<boolean> {
  const result = await client.query({ query: `EXISTS TABLE ${sqlIdentifier(table)}`, format: 'JSONEachRow' });
  return (await result.json<{ result: number }>())[0]?.result === 1;
}
