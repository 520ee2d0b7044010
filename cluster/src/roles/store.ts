import type { NatsConnection } from 'nats';
import type { ClickHouseAccess } from '../clickhouse/endpoints.ts';
import { ClickHouseSink } from '../clickhouse/sink.ts';
import { BatchConsumer, type BatchConsumerStats } from '../jetstream/consumer.ts';

export interface StoreRole {
  /** `inserting`: rows of the INSERT in progress (0 when none): a fault test kills the node while it is not 0. */
  stats(): BatchConsumerStats & { rowsInserted: number; inserts: number; inserting: number };
  stop(): Promise<void>;
}

/**
 * A store node: the durable consumer `store` hands batches (up to 500 messages, or what came in
 * 150 ms) to one RowBinary INSERT each; messages are acked only after ClickHouse answered, so a
 * crash between the two redelivers them, and the table's (batch, seq) key makes that harmless.
 * Several store nodes share the consumer: JetStream spreads the messages among them.
 */
export async function startStoreRole(nc: NatsConnection, clickhouse: ClickHouseAccess, table: string, log: (line: string) => void): Promise<StoreRole> {
  let rowsInserted = 0;
  let inserts = 0;
  let inserting = 0;
  const consumer = new BatchConsumer(nc, {
    sink: async (batches) => {
      inserting = batches.reduce((n, b) => n + b.metrics.length, 0);
      try {
        rowsInserted += await clickhouse.run((client) => new ClickHouseSink(client, table).insert(batches));
        inserts++;
      } finally {
        inserting = 0;
      }
    },
    log,
  });
  await consumer.start();
  return {
    stats: () => ({ ...consumer.stats(), rowsInserted, inserts, inserting }),
    stop: () => consumer.stop(),
  };
}
