import { dropPartitionsBefore } from '../clickhouse/sink.ts';
import { tableExists } from '../clickhouse/schema.ts';
import type { ClickHouseAccess } from '../clickhouse/endpoints.ts';

/** How often a store node drops expired day partitions (and once at its start). */
const RETENTION_EVERY_MS = 3600_000;

/**
 * The service's --retention for the cluster: ClickHouse 18.16 has no TTL, so the store nodes drop
 * every day partition that ends before now - retention (whole days: a point stays until its UTC day
 * is entirely older than the cutoff). With a Distributed table the rows are in `<table>_local`;
 * on replicas the drop replicates. Every store node runs it: dropping a dropped partition is a no-op.
 */
export function startRetention(clickhouse: ClickHouseAccess, table: string, retentionMs: number, log: (line: string) => void): { stop(): void } {
  const run = async (): Promise<void> => {
    try {
      const local = `${table}_local`;
      const rowsIn = (await clickhouse.run((client) => tableExists(client, local))) ? local : table;
      const dropped = await clickhouse.run((client) => dropPartitionsBefore(client, Date.now() - retentionMs, rowsIn));
      if (dropped.length > 0) log(`retention: dropped ${dropped.length} day partition(s) of ${rowsIn} (UTC day numbers ${dropped.join(', ')})`);
    } catch (err) {
      log(`retention: could not drop expired partitions (${(err as Error).message}); next try in ${RETENTION_EVERY_MS / 60_000} min`);
    }
  };
  void run();
  const timer = setInterval(() => void run(), RETENTION_EVERY_MS).unref();
  return { stop: () => clearInterval(timer) };
}
