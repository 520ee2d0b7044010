import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { waitUntil, withDeadline } from '../../src/harness/deadline.ts';
import { MemorySink } from './support/sinks.ts';
import { postMetrics, startLevel2, wireMetric } from './support/service.ts';
import { newWriter, seqMetric } from './support/writer-module.ts';

// Generous slack over the interval: timers on a busy 2-core machine fire late, a missing flush never.
const SLACK_MS = 700;

test('a lone metric reaches the disk within flushIntervalMs', async () => {
  const sink = new MemorySink();
  const interval = 150;
  const writer = await newWriter(sink, { maxQueue: 1_000, maxBatch: 1_000, flushIntervalMs: interval });
  const t0 = performance.now();
  await writer.write([seqMetric('lone', 0)]);
  const arrived = await waitUntil(() => sink.syncs > 0, interval + SLACK_MS, 5);
  const ms = Math.round(performance.now() - t0);
  expect(
    arrived,
    `Expected one metric (batch of 1, far below maxBatch 1000) on disk within flushIntervalMs ${interval} ms (+${SLACK_MS} ms slack); nothing was written after ${ms} ms. The loop must also wake on a timer, not only when a batch is full.`,
  ).toBe(true);
  expect(sink.lines.length, 'Expected exactly the 1 metric written').toBe(1);
  await withDeadline(writer.close(), 3_000, 'close() after the timed flush');
});

test('a metric written later, after the writer sat idle, is also flushed in time', async () => {
  const sink = new MemorySink();
  const interval = 100;
  const writer = await newWriter(sink, { maxQueue: 1_000, maxBatch: 1_000, flushIntervalMs: interval });
  await writer.write([seqMetric('idle', 0)]);
  await waitUntil(() => sink.syncs > 0, interval + SLACK_MS, 5);
  await new Promise((resolve) => setTimeout(resolve, 3 * interval));
  const t0 = performance.now();
  await writer.write([seqMetric('idle', 1)]);
  const arrived = await waitUntil(() => sink.syncs > 1, interval + SLACK_MS, 5);
  expect(
    arrived,
    `Expected the second metric, written after ${3 * interval} ms of idleness, on disk within ${interval} ms (+${SLACK_MS} ms slack); still missing after ${Math.round(performance.now() - t0)} ms.`,
  ).toBe(true);
  await withDeadline(writer.close(), 3_000, 'close() after two timed flushes');
  expect(sink.lines.length).toBe(2);
});

test('small writes within one interval share a batch: one fsync, not one per write', async () => {
  const sink = new MemorySink();
  const writer = await newWriter(sink, { maxQueue: 1_000, maxBatch: 1_000, flushIntervalMs: 300 });
  for (let i = 0; i < 50; i++) await withDeadline(writer.write([seqMetric('many', i)]), 1_000, `write() #${i + 1} (a write must not wait for the disk)`);
  await waitUntil(() => sink.lines.length >= 50, 300 + SLACK_MS, 5);
  expect(sink.lines.length, 'Expected all 50 metrics on disk one flush interval after they were written').toBe(50);
  expect(
    sink.syncs,
    `Expected the 50 metrics written back to back to go to disk in 1-2 batches (one appendAndSync each), got ${sink.syncs} fsyncs: batch what is queued.`,
  ).toBeLessThanOrEqual(2);
  await withDeadline(writer.close(), 3_000, 'close()');
});

test('a full batch (maxBatch) is written at once, without waiting for the timer', async () => {
  const sink = new MemorySink();
  const writer = await newWriter(sink, { maxQueue: 1_000, maxBatch: 10, flushIntervalMs: 60_000 });
  await writer.write(Array.from({ length: 10 }, (_, i) => seqMetric('full', i)));
  const arrived = await waitUntil(() => sink.syncs > 0, SLACK_MS, 5);
  expect(arrived, 'Expected a batch of maxBatch (10) metrics written at once; nothing written within 700 ms (flush interval is 60 s)').toBe(true);
  expect(sink.syncs, 'Expected one fsync for the 10 metrics').toBe(1);
  await withDeadline(writer.close(), 3_000, 'close()');
});

test('through the service: a lone POSTed metric is on disk within --flush-interval-ms', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ms-p2-flush-'));
  const file = path.join(dir, 'metrics.jsonl');
  const interval = 200;
  const svc = await startLevel2(['--data-file', file, '--flush-interval-ms', String(interval)]);
  try {
    const res = await postMetrics(svc.url, 'lone', [wireMetric('lone', 0)]);
    expect(res.status, `Expected 200, got ${res.status}: ${res.body}`).toBe(200);
    const t0 = performance.now();
    const lines = () => {
      try {
        return readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0).length;
      } catch {
        return 0;
      }
    };
    const arrived = await waitUntil(() => lines() === 1, interval + 2 * SLACK_MS, 10);
    expect(arrived, `Expected the metric in the data file within --flush-interval-ms ${interval} (+${2 * SLACK_MS} ms slack); ${lines()} lines after ${Math.round(performance.now() - t0)} ms`).toBe(true);
  } finally {
    await svc.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}, 20_000);
