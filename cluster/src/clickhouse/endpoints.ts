import { createClient, type ClickHouseClient } from '@clickhouse/client';

/** What the roles need of ClickHouse: run a call against a server that answers. */
export interface ClickHouseAccess {
  run<T>(call: (client: ClickHouseClient) => Promise<T>): Promise<T>;
}

/** Longest wait for one request: a hung server becomes an error (a 503, a nak), never a hung request. */
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * The replicas of one shard (the same table behind every URL, kept equal by ReplicatedMergeTree),
 * used one at a time: a call that fails is tried once on each other replica, and the one that
 * answered becomes the one used next. A retried insert may land twice (it may have succeeded before
 * the connection broke): the table's (batch, seq) key makes that invisible to queries.
 */
export class ClickHouseEndpoints implements ClickHouseAccess {
  private readonly clients: ClickHouseClient[];
  private current = 0;
  failovers = 0;

  constructor(readonly urls: readonly string[]) {
    if (urls.length === 0) throw new RangeError('at least one ClickHouse URL');
    // Our inserts through a Distributed table must reach their shard before the batch is acked.
    this.clients = urls.map((url) => createClient({ url, request_timeout: REQUEST_TIMEOUT_MS, clickhouse_settings: { insert_distributed_sync: 1 } }));
  }

  async run<T>(call: (client: ClickHouseClient) => Promise<T>): Promise<T> {
    let first: unknown;
    for (let i = 0; i < this.clients.length; i++) {
      const at = (this.current + i) % this.clients.length;
      try {
        const result = await call(this.clients[at]!);
        if (at !== this.current) {
          this.current = at;
          this.failovers++;
        }
        return result;
      } catch (err) {
        first ??= err;
      }
    }
    throw first;
  }

  /** The URL calls go to first. */
  get active(): string {
    return this.urls[this.current]!;
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.close()));
  }
}
