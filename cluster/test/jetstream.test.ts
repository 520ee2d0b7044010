import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Metric } from '../../starter/src/ingest/metric.ts';
import { isOverloadError } from '../../starter/src/lib/overload.ts';
import type { StoredBatch } from '../src/batch.ts';
import { natsMissing, startNats, type NatsNode } from '../src/engines/nats.ts';
import { BatchConsumer } from '../src/jetstream/consumer.ts';
import { connectNats, encodeBatch, ensureMetricsStream, METRICS_STREAM, subjectFor } from '../src/jetstream/stream.ts';
import { JetStreamWriter, StreamFullError } from '../src/jetstream/writer.ts';

/**
 * The JetStream side of the cluster mode against one real nats-server: the writer's ack means the
 * batch is in the stream, the consumer hands each batch to the sink once it worked, and a dead
 * server is a 503 within a bound, never a hang nor a loss.
 */
const missing = natsMissing();
const PARTITIONS = 4;

const metrics = (i: number, n = 3): Metric[] =>
  Array.from({ length: n }, (_, k) => ({ name: 'cpu', value: i * 10 + k, timestamp: 1_700_000_000_000 + i, tags: { host: `h${k}` }, client: `client-${i % 5}` }));

/** A sink recording how many successful calls carried each batch id; it can be told to fail or to wait. */
function recordingSink() {
  const got = new Map<string, number>();
  let failNext = 0;
  let gate: Promise<void> | undefined;
  const r = {
    got,
    /** Sink calls begun (before any wait or failure). */
    calls: 0,
    failTimes: (n: number) => void (failNext = n),
    holdUntil: (p: Promise<void>) => void (gate = p),
    sink: async (batches: StoredBatch[]) => {
      r.calls++;
      if (gate) await gate;
      if (failNext > 0) {
        failNext--;
        throw new Error('sink down (test)');
      }
      for (const b of batches) got.set(b.id, (got.get(b.id) ?? 0) + 1);
    },
  };
  return r;
}

async function until(check: () => boolean, withinMs: number, what: string): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not ${what} within ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.skipIf(Boolean(missing))(`JetStream writer and consumer on one nats-server${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let dir: string;
  let node: NatsNode;
  let nc: NatsConnection;
  const closers: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ms-nats-'));
    node = await startNats({ dir });
    nc = await connectNats([node.url], 'test');
    await ensureMetricsStream(await nc.jetstreamManager(), { replicas: 1, partitions: PARTITIONS });
  });

  afterAll(async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await nc?.close().catch(() => undefined);
    await node?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const newWriter = (nodeId: string) => {
    const w = new JetStreamWriter(nc, { nodeId, partitions: PARTITIONS });
    closers.push(() => w.close());
    return w;
  };
  const newConsumer = (sink: (b: StoredBatch[]) => Promise<void>, logs: string[] = []) => {
    const c = new BatchConsumer(nc, { sink, minBackoffMs: 100, log: (l) => logs.push(l) });
    closers.push(() => c.stop());
    return c;
  };

  it('delivers every written batch exactly once, after a failed sink call and a duplicate publish', async () => {
    const writer = newWriter('ingest-a');
    const { got, sink, failTimes } = recordingSink();
    failTimes(1);
    const consumer = newConsumer(sink);
    await consumer.start();

    const N = 1000;
    await Promise.all(Array.from({ length: N }, (_, i) => writer.write(metrics(i))));
    // A publish retried with an id JetStream has seen (the ack was lost, say) is stored once.
    const js = nc.jetstream();
    const dup: StoredBatch = { id: 'dup-1', metrics: metrics(1) };
    const first = await js.publish(subjectFor('client-1', PARTITIONS), encodeBatch(dup), { msgID: dup.id });
    const again = await js.publish(subjectFor('client-1', PARTITIONS), encodeBatch(dup), { msgID: dup.id });
    expect([first.duplicate, again.duplicate, again.seq]).toEqual([false, true, first.seq]);

    await until(() => got.size === N + 1, 15_000, 'all consumed');
    await new Promise((r) => setTimeout(r, 300)); // a late duplicate would show now
    await consumer.stop();
    expect([...got.values()].every((n) => n === 1)).toBe(true);
    expect(got.get('dup-1')).toBe(1);
    const s = consumer.stats();
    expect(s.sinkFailures).toBe(1);
    expect(s.redeliveries).toBeGreaterThan(0); // the failed call's messages came back
    expect(writer.stats()).toMatchObject({ batches: N, metrics: 3 * N, failed: 0 });
  });

  it('groups writes while its publishes are in flight (group commit): fewer messages, every metric once, in order', async () => {
    const writer = new JetStreamWriter(nc, { nodeId: 'ingest-g', partitions: PARTITIONS, maxInFlight: 2 });
    closers.push(() => writer.close());
    const seen: StoredBatch[] = [];
    const consumer = newConsumer(async (bs) => void seen.push(...bs));
    await consumer.start();
    const N = 600;
    const results = await Promise.allSettled(Array.from({ length: N }, (_, i) => writer.write(metrics(i, 2))));
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    const s = writer.stats();
    expect(s).toMatchObject({ writes: N, metrics: 2 * N, failed: 0 });
    expect(s.batches, 'concurrent writes shared messages').toBeLessThan(N / 4);
    await until(() => seen.reduce((n, b) => n + b.metrics.length, 0) >= 2 * N, 15_000, 'all grouped metrics consumed');
    await consumer.stop();
    const values = seen.filter((b) => b.id.startsWith(writer.idPrefix)).flatMap((b) => b.metrics.map((m) => m.value));
    expect(values.length).toBe(2 * N);
    expect(new Set(values).size, 'each metric once').toBe(2 * N);
    // One client's writes keep their call order inside and across its messages (one subject, ids in order).
    const client0 = seen.filter((b) => b.id.startsWith(writer.idPrefix)).sort((a, b) => (a.id < b.id ? -1 : 1)).flatMap((b) => b.metrics.filter((m) => m.client === 'client-0').map((m) => m.value));
    expect(client0).toEqual([...client0].sort((a, b) => a - b));
  });

  it('terminates a message that is not a batch and goes on with the next ones', async () => {
    const writer = newWriter('ingest-b');
    const { got, sink } = recordingSink();
    const logs: string[] = [];
    const consumer = newConsumer(sink, logs);
    const js = nc.jetstream();
    await js.publish(subjectFor('x', PARTITIONS), new TextEncoder().encode('{"not":"a batch"'));
    await js.publish(subjectFor('x', PARTITIONS), new TextEncoder().encode(JSON.stringify({ id: 'bad-metric', metrics: [{ name: 'cpu', value: 'NaN' }] })));
    await writer.write(metrics(7));
    await consumer.start();
    await until(() => got.size === 1 && consumer.stats().malformed === 2, 10_000, 'the good batch consumed and both bad ones terminated');
    await consumer.stop();
    expect(logs.filter((l) => l.includes('terminated'))).toHaveLength(2);
    // Terminated means gone: the work queue is empty.
    const info = await (await nc.jetstreamManager()).streams.info(METRICS_STREAM);
    expect(info.state.messages).toBe(0);
  });

  it('answers 503 (queue_full) when the stream is at max_bytes, never dropping what it holds', async () => {
    // Its own server: the shared stream stays as configured.
    const small = await startNats({ dir: path.join(dir, 'small'), name: 'nats-small' });
    const snc = await connectNats([small.url], 'small');
    try {
      await ensureMetricsStream(await snc.jetstreamManager(), { replicas: 1, partitions: 1, maxBytes: 64 * 1024 });
      const writer = new JetStreamWriter(snc, { nodeId: 'full', partitions: 1 });
      let taken = 0;
      let refusal: unknown;
      for (let i = 0; i < 2000 && !refusal; i++) await writer.write(metrics(i)).then(() => taken++, (err: unknown) => (refusal = err));
      expect(refusal).toBeInstanceOf(StreamFullError);
      expect(isOverloadError(refusal) && [refusal.code, refusal.retryAfterSec]).toEqual(['queue_full', 2]);
      const info = await (await snc.jetstreamManager()).streams.info(METRICS_STREAM);
      expect(info.state.messages).toBe(taken);
      await writer.close();
    } finally {
      await snc.close();
      await small.stop();
    }
  });

  it('refuses a batch larger than the server takes in one message with a 413, not a 503', async () => {
    const writer = newWriter('ingest-big');
    const huge = Array.from({ length: 9 }, (_, i) => ({ ...metrics(i, 1)[0]!, tags: { blob: 'x'.repeat(1 << 20) } }));
    await expect(writer.write(huge)).rejects.toMatchObject({ name: 'BatchTooLargeError', status: 413 });
    await writer.write(huge.slice(0, 2)); // 2 MB: more than nats-server's default, within our 8 MB
  });

  it('kill -9 of the server: writes fail with a 503 within 6 s, then succeed after restart, and no acked batch is lost', async () => {
    const writer = newWriter('ingest-c');
    const tracked = trackAcks(writer);
    const before = 1500;
    await Promise.all(Array.from({ length: before }, (_, i) => tracked.write(metrics(i))));
    expect(tracked.acked.size).toBe(before);

    // The consumer fetched a first batch and is inside its sink when the server dies.
    const recorder = recordingSink();
    const { got, sink, holdUntil } = recorder;
    let release!: () => void;
    holdUntil(new Promise<void>((r) => (release = r)));
    const consumer = newConsumer(sink);
    await consumer.start();
    await until(() => recorder.calls === 1, 5000, 'the sink called');

    await node.kill();
    let t = Date.now();
    const down = await tracked.write(metrics(1)).then(() => 'resolved', (err: unknown) => err);
    const firstFailMs = Date.now() - t;
    expect(isOverloadError(down) && [down.code, down.retryAfterSec]).toEqual(['queue_unavailable', 1]);
    expect(firstFailMs).toBeLessThan(6000);
    // The outage is known now: the next write fails at once instead of waiting again.
    t = Date.now();
    await expect(tracked.write(metrics(2))).rejects.toMatchObject({ code: 'queue_unavailable' });
    const secondFailMs = Date.now() - t;

    t = Date.now();
    await node.restart();
    const deadline = Date.now() + 10_000;
    while (!(await tracked.write(metrics(3)).then(() => true, () => false))) {
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((r) => setTimeout(r, 100));
    }
    const recoveredMs = Date.now() - t;
    await Promise.all(Array.from({ length: 199 }, (_, i) => tracked.write(metrics(i))));
    release();

    await until(() => tracked.missingFrom(got).length === 0, 30_000, 'every acknowledged batch consumed');
    await consumer.stop();
    const s = consumer.stats();
    console.log(
      `[jetstream] kill -9: first write failed (503) after ${firstFailMs} ms, the next after ${secondFailMs} ms; ` +
        `restart to first accepted write ${recoveredMs} ms; acked ${tracked.acked.size} (${before} before the kill), failed ${tracked.failed}, ` +
        `consumed distinct ${got.size}, redeliveries ${s.redeliveries}, ids the sink took twice ${[...got.values()].filter((n) => n > 1).length}`,
    );
    expect(tracked.acked.size).toBe(before + 200);
    expect(tracked.missingFrom(got)).toEqual([]);
  });
});

/**
 * Which writes JetStream acknowledged, by batch id: the writer numbers its batches 1, 2, 3... in
 * the order write() is called (`<prefix>-<n>`), so the n-th call here is batch n.
 */
function trackAcks(writer: JetStreamWriter) {
  let calls = 0;
  const acked = new Set<number>();
  const t = {
    acked,
    failed: 0,
    write: (batch: Metric[]) => {
      const n = ++calls;
      return writer.write(batch).then(
        () => void acked.add(n),
        (err: unknown) => {
          t.failed++;
          throw err;
        },
      );
    },
    /** Acked batch numbers with no id in `got` (whose keys are `<prefix>-<n>`). */
    missingFrom: (got: Map<string, number>) => {
      const seen = new Set([...got.keys()].filter((id) => id.startsWith(writer.idPrefix + '-')).map((id) => Number(id.slice(writer.idPrefix.length + 1))));
      return [...acked].filter((n) => !seen.has(n));
    },
  };
  return t;
}
