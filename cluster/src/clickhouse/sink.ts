import { Readable } from 'node:stream';
import type { ClickHouseClient } from '@clickhouse/client';
import type { StoredBatch } from '../batch.ts';
import { RowBinaryWriter } from './row-binary.ts';
import { METRIC_COLUMNS, METRICS_TABLE, MS_PER_DAY, seriesKey } from './schema.ts';
import { sqlIdentifier, sqlString } from './sql.ts';

/**
 * Writes batches into the metrics table: every given batch in one INSERT (ClickHouse wants few,
 * large inserts: each makes a part on disk). A row is identified by (batch id, position in the
 * batch), so inserting a batch again (a JetStream redelivery) changes no query answer (reads use
 * FINAL). With a Distributed table, give the client `insert_distributed_sync: 1` to know the rows
 * reached their shard when the promise resolves.
 */
export class ClickHouseSink {
  private readonly insertSql: string;

  constructor(
    private readonly client: ClickHouseClient,
    readonly table: string = METRICS_TABLE,
  ) {
    this.insertSql = `INSERT INTO ${sqlIdentifier(table)} (${METRIC_COLUMNS.join(', ')}) FORMAT RowBinary`;
  }

  /** Insert every metric of `batches`; resolves with the number of rows once ClickHouse has them. */
  async insert(batches: readonly StoredBatch[]): Promise<number> {
    const { bytes, rows } = encodeBatches(batches);
    if (rows === 0) return 0;
    const result = await this.client.exec({ query: this.insertSql, values: Readable.from([bytes]) });
    // An insert answers with an empty body; read it so the socket goes back to the pool.
    for await (const chunk of result.stream) void chunk;
    return rows;
  }
}

/** The rows of `batches` in RowBinary, columns in METRIC_COLUMNS order. */
export function encodeBatches(batches: readonly StoredBatch[]): { bytes: Buffer; rows: number } {
  const out = new RowBinaryWriter();
  let rows = 0;
  for (const batch of batches) {
    batch.metrics.forEach((m, seq) => {
      const keys = Object.keys(m.tags).sort();
      out.string(m.name).string(seriesKey(m.name, m.tags)).int64(m.timestamp).float64(m.value);
      out.strings(keys).strings(keys.map((k) => m.tags[k]!));
      out.string(m.client).string(batch.id).uint32(seq);
      rows++;
    });
  }
  return { bytes: out.bytes(), rows };
}

/**
 * Retention: drop every day partition (UTC) that ends before the day of `beforeMs` begins, so points
 * of that day and later stay, and older ones go as whole files (no row-by-row delete in ClickHouse).
 * On a replicated table the drop replicates; with a cluster, call it on every shard's local table.
 * Resolves with the partition ids (UTC day numbers) it dropped.
 */
export async function dropPartitionsBefore(client: ClickHouseClient, beforeMs: number, table: string = METRICS_TABLE): Promise<string[]> {
  const firstKeptDay = Math.floor(beforeMs / MS_PER_DAY);
  const result = await client.query({
    query: `SELECT DISTINCT partition_id FROM system.parts WHERE database = currentDatabase() AND table = ${sqlString(table)} AND active`,
    format: 'JSONEachRow',
  });
  const ids = (await result.json<{ partition_id: string }>()).map((r) => r.partition_id).filter((id) => Number(id) < firstKeptDay);
  for (const id of ids) await client.command({ query: `ALTER TABLE ${sqlIdentifier(table)} DROP PARTITION ID ${sqlString(id)}` });
  return ids;
}
