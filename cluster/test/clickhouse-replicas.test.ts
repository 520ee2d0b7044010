import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED, seedTag } from '../../grader/src/harness/random.ts';
import type * as RangeModule from '../../starter/src/query/range-query.ts';
import type * as StoreModule from '../../starter/src/storage/series-store.ts';
import { fromTree } from '../../test/support/service.ts';
import type { StoredBatch } from '../src/batch.ts';
import { runClickHouseQuery } from '../src/clickhouse/query.ts';
import { createSchema } from '../src/clickhouse/schema.ts';
import { ClickHouseSink, dropPartitionsBefore } from '../src/clickhouse/sink.ts';
import { clickhouseMissing, startClickHouse, type RunningClickHouse } from '../src/engines/clickhouse.ts';
import { freePort, sleep } from '../src/engines/process.ts';
import { startZooKeeper, zookeeperMissing, type RunningZooKeeper } from '../src/engines/zookeeper.ts';
import { DATA_END, DAY, DAY0, generateBatches } from './support/ch-dataset.ts';
import { expectSameAnswer } from './support/same-answer.ts';

/**
 * Two clickhouse-servers as the two replicas of one shard (ReplicatedReplacingMergeTree through a
 * ZooKeeper), with a Distributed table over them: rows inserted on one are read on the other; a
 * replica killed with -9 comes back from its folder and catches up on what it missed.
 */

const missing = clickhouseMissing() ?? zookeeperMissing();
const CLUSTER = 'replicas';

describe.skipIf(missing)(`ClickHouse replicas ${missing ? `(skipped: ${missing})` : seedTag(SEED)}`, () => {
  let dir: string;
  let zk: RunningZooKeeper | undefined;
  const servers: RunningClickHouse[] = [];
  const clients = new Map<RunningClickHouse, ClickHouseClient>();
  let range: typeof RangeModule;
  let SeriesStore: typeof StoreModule.SeriesStore;
  let batches: StoredBatch[];

  /** A client of `server`, made anew after a restart (the old one's sockets went with the process). */
  const clientOf = (server: RunningClickHouse): ClickHouseClient => {
    let c = clients.get(server);
    if (!c) clients.set(server, (c = createClient({ url: server.url, clickhouse_settings: { insert_distributed_sync: 1 } })));
    return c;
  };
  const dropClient = async (server: RunningClickHouse) => {
    await clients.get(server)?.close();
    clients.delete(server);
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ms-ch-replicas-'));
    range = await fromTree<typeof RangeModule>('query/range-query.ts');
    ({ SeriesStore } = await fromTree<typeof StoreModule>('storage/series-store.ts'));
    batches = generateBatches(SEED);
    zk = await startZooKeeper({ dir: path.join(dir, 'zk') });
    // Ports known before the start (each server's remote_servers names both), all distinct.
    const picked = new Set<number>();
    while (picked.size < 6) picked.add(await freePort());
    const [httpA, tcpA, interA, httpB, tcpB, interB] = [...picked] as [number, number, number, number, number, number];
    const ports = [
      { http: httpA, tcp: tcpA, interserver: interA },
      { http: httpB, tcp: tcpB, interserver: interB },
    ];
    const remoteServers = { [CLUSTER]: [{ replicas: ports.map((p) => ({ host: '127.0.0.1', port: p.tcp })) }] };
    for (const [i, replica] of ['a', 'b'].entries()) {
      const server = await startClickHouse({
        dir: path.join(dir, `clickhouse-${replica}`),
        name: `clickhouse-${replica}`,
        zookeeper: { port: zk.port },
        macros: { shard: '01', replica },
        remoteServers,
        ports: ports[i]!,
      });
      servers.push(server);
      await createSchema(clientOf(server), { replicated: true, cluster: CLUSTER });
    }
  });

  afterAll(async () => {
    for (const s of servers) await dropClient(s);
    await Promise.all(servers.map((s) => s.stop()));
    await zk?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Rows a replica holds (each point once). */
  const rowsOn = async (server: RunningClickHouse): Promise<number> => {
    const result = await clientOf(server).query({ query: 'SELECT count() AS n FROM metrics_local FINAL', format: 'JSONEachRow' });
    return Number((await result.json<{ n: string }>())[0]!.n);
  };

  async function waitForRows(server: RunningClickHouse, rows: number, withinMs = 30_000): Promise<void> {
    const deadline = Date.now() + withinMs;
    let seen = -1;
    while (Date.now() < deadline) {
      seen = await rowsOn(server).catch(() => -1); // a restarted replica may refuse reads for a moment
      if (seen === rows) return;
      await sleep(200);
    }
    throw new Error(`${server.name} holds ${seen} rows, not ${rows}, after ${withinMs} ms`);
  }

  /** The server answers as the embedded engine holding `inserted` does, through the Distributed table and its own replica. */
  async function expectAnswersOn(server: RunningClickHouse, inserted: readonly StoredBatch[], label: string): Promise<void> {
    const store = new SeriesStore();
    for (const b of inserted) store.add(b.metrics);
    for (const table of ['metrics', 'metrics_local']) {
      for (const agg of ['count', 'avg', 'p95', 'rate'] as const) {
        for (const name of ['cpu_usage', 'requests_total']) {
          const q = range.parseRangeQuery(new URLSearchParams({ name, agg, start: String(DAY0), end: String(DATA_END), step: '1h' }), DATA_END);
          const ch = await runClickHouseQuery(clientOf(server), q, table);
          expectSameAnswer({ q, ch, ref: range.runRangeQuery(store, q) }, `${label}: ${agg} of ${name} from ${table} on ${server.name}`);
        }
      }
    }
  }

  it('replicates an insert on one replica to the other; a redelivery on the other changes nothing', async () => {
    const [a, b] = servers as [RunningClickHouse, RunningClickHouse];
    const first = batches.slice(0, Math.floor(batches.length / 2));
    const rows = first.reduce((n, batch) => n + batch.metrics.length, 0);
    await new ClickHouseSink(clientOf(a), 'metrics_local').insert(first);
    await waitForRows(b, rows);
    await expectAnswersOn(b, first, 'replicated');
    // The same batches again, on b, through the Distributed table.
    await new ClickHouseSink(clientOf(b), 'metrics').insert(first.slice(0, 20));
    await waitForRows(a, rows);
    await expectAnswersOn(a, first, 'after a redelivery');
  });

  it('keeps taking inserts while a replica is killed (-9), which catches up when it restarts', async () => {
    const [a, b] = servers as [RunningClickHouse, RunningClickHouse];
    await dropClient(a);
    await a.kill();
    const rest = batches.slice(Math.floor(batches.length / 2));
    const sink = new ClickHouseSink(clientOf(b), 'metrics_local');
    for (let i = 0; i < rest.length; i += 40) await sink.insert(rest.slice(i, i + 40));
    const total = batches.reduce((n, batch) => n + batch.metrics.length, 0);
    expect(await rowsOn(b)).toBe(total);
    await expectAnswersOn(b, batches, 'while a is down');

    await a.restart(); // same folder, same ports: the same replica to ZooKeeper
    await waitForRows(a, total);
    await expectAnswersOn(a, batches, 'after the restart');
  });

  it('replicates retention: a partition dropped on one replica goes on the other', async () => {
    const [a, b] = servers as [RunningClickHouse, RunningClickHouse];
    const kept = batches.map((batch) => ({ ...batch, metrics: batch.metrics.filter((m) => m.timestamp >= DAY0 + DAY) }));
    expect(await dropPartitionsBefore(clientOf(b), DAY0 + DAY + 1, 'metrics_local')).toEqual([String(DAY0 / DAY)]);
    await waitForRows(a, kept.reduce((n, batch) => n + batch.metrics.length, 0));
    await expectAnswersOn(a, kept, 'after retention');
  });
});
