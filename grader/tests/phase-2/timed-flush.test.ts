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

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One trickle trial: a metric every `everyMs` until the first fsync (or `maxMs`). Returns when the
 * first fsync came after the first write (undefined: none), and the longest pause between writes
 * before it — a pause as long as the interval would let a debounce flush, so such a run proves nothing.
 */
async function trickle(interval: number, everyMs: number, maxMs: number) {
  const sink = new MemorySink();
  const writer = await newWriter(sink, { maxQueue: 100_000, maxBatch: 100_000, flushIntervalMs: interval });
  const t0 = performance.now();
  let last = t0;
  let longestPause = 0;
  let seq = 0;
  while (sink.syncs === 0 && performance.now() - t0 < maxMs) {
    await withDeadline(writer.write([seqMetric('trickle', seq++)]), 1_000, `write() #${seq} (a write must not wait for the disk)`);
    await sleep(everyMs);
    // Every pause up to the first fsync counts, the one it ended included.
    const now = performance.now();
    longestPause = Math.max(longestPause, now - last);
    last = now;
  }
  const firstSyncMs = sink.syncedAt[0] === undefined ? undefined : sink.syncedAt[0] - t0;
  await withDeadline(writer.close(), 3_000, 'close() after the trickle');
  return { firstSyncMs, longestPause, writes: seq, elapsed: performance.now() - t0 };
}

test('the flush deadline runs from the first unflushed write, not the last: a steady trickle still reaches disk in time', async () => {
  const interval = 300;
  const everyMs = 15;
  const maxMs = 2_500;
  // A debounce (a timer restarted by every write) writes nothing while writes keep coming; it only
  // slips through if the trickle itself paused for about an interval, so such a trial is run again.
  for (let trial = 1; trial <= 3; trial++) {
    const r = await trickle(interval, everyMs, maxMs);
    const inTime = r.firstSyncMs !== undefined && r.firstSyncMs <= interval + SLACK_MS;
    if (!inTime) {
      const seen = r.firstSyncMs === undefined ? `got nothing after ${Math.round(r.elapsed)} ms` : `the first fsync came after ${Math.round(r.firstSyncMs)} ms`;
      expect.fail(
        `Expected the batch to reach disk within flushIntervalMs (${interval} ms, +${SLACK_MS} ms slack) of the first unflushed write ` +
          `while ${r.writes} writes kept arriving every ~${everyMs} ms (deadline, not debounce), ${seen}: the timer must not restart on every write.`,
      );
    }
    if (r.longestPause < 0.8 * interval) return;
  }
});

test('after a flush, the next lone metric waits for its own deadline: not written early, not late', async () => {
  const sink = new MemorySink();
  const interval = 400;
  const writer = await newWriter(sink, { maxQueue: 1_000, maxBatch: 1_000, flushIntervalMs: interval });
  await writer.write([seqMetric('again', 0)]);
  await waitUntil(() => sink.syncs > 0, interval + SLACK_MS, 5);
  await sleep(2 * interval);
  const t0 = performance.now();
  await writer.write([seqMetric('again', 1)]);
  const arrived = await waitUntil(() => sink.syncs > 1, interval + SLACK_MS, 5);
  expect(arrived, `Expected the metric written after ${2 * interval} ms of idleness on disk within ${interval} ms (+${SLACK_MS} ms slack); still missing`).toBe(true);
  const waited = sink.syncedAt[1]! - t0;
  // Timers never fire early; 5 ms covers clock granularity.
  expect(
    waited,
    `Expected the lone metric to wait for its flushIntervalMs (${interval} ms) before its fsync, it was written after ${Math.round(waited)} ms: ` +
      'the deadline starts at the first write into an empty queue, so reset it after every flush (a stale one makes every later write an fsync of its own), ' +
      'and re-check the condition after every wake (while, not if): a notify means "maybe", not "due"',
  ).toBeGreaterThanOrEqual(interval - 5);
  await withDeadline(writer.close(), 3_000, 'close()');
});

test('maxBatch metrics arriving in pieces are written at once; no fsync carries more than maxBatch; a partial batch waits', async () => {
  const sink = new MemorySink();
  const maxBatch = 10;
  const writer = await newWriter(sink, { maxQueue: 1_000, maxBatch, flushIntervalMs: 60_000 });
  const pieces = [3, 3, 3, 3, 3, 3, 3, 4];
  let seq = 0;
  for (const n of pieces) {
    await withDeadline(writer.write(Array.from({ length: n }, () => seqMetric('pieces', seq++))), 1_000, `write() of ${n} (a write must not wait for the disk)`);
  }
  const arrived = await waitUntil(() => sink.syncs >= 2, SLACK_MS, 5);
  expect(
    arrived,
    `Expected two full batches of ${maxBatch} on disk at once after ${seq} metrics were written in pieces of 3-4 (flush interval 60 s), got batches [${sink.batchSizes.join(', ')}] after ${SLACK_MS} ms: ` +
      `wake the loop when the queue reaches maxBatch or more (a write can jump past it), and re-check after each batch`,
  ).toBe(true);
  await sleep(100);
  expect(
    sink.batchSizes,
    `Expected fsyncs of exactly [${maxBatch}, ${maxBatch}] before the deadline: a batch never holds more than maxBatch, and the 5 left over are not due for 60 s`,
  ).toEqual([maxBatch, maxBatch]);
  await withDeadline(writer.close(), 3_000, 'close()');
  expect(sink.batchSizes, 'Expected close() to write the 5 left over as a last batch').toEqual([maxBatch, maxBatch, 5]);
});

test('a write that brings the queue to exactly maxBatch wakes the loop: the full batch is written at once', async () => {
  const sink = new MemorySink();
  const maxBatch = 10;
  const writer = await newWriter(sink, { maxQueue: 1_000, maxBatch, flushIntervalMs: 60_000 });
  await withDeadline(writer.write(Array.from({ length: 4 }, (_, i) => seqMetric('exact', i))), 1_000, 'write() of 4 (a write must not wait for the disk)');
  // Let the loop go back to sleep on the far deadline: only the next write can wake it now.
  await sleep(50);
  await withDeadline(writer.write(Array.from({ length: 6 }, (_, i) => seqMetric('exact', 4 + i))), 1_000, 'write() of 6 (a write must not wait for the disk)');
  const arrived = await waitUntil(() => sink.syncs > 0, SLACK_MS, 5);
  expect(
    arrived,
    `Expected the batch written at once after a write of 6 brought the queue from 4 to exactly maxBatch (${maxBatch}) (flush interval 60 s); nothing written after ${SLACK_MS} ms: ` +
      'a queue that reaches maxBatch is full (>=, not >), wake the loop',
  ).toBe(true);
  expect(sink.batchSizes, `Expected one fsync of the ${maxBatch} metrics`).toEqual([maxBatch]);
  await withDeadline(writer.close(), 3_000, 'close()');
});

/** Timers (setTimeout, setInterval, setImmediate) anyone in this process starts during `ms`. */
async function countTimers(ms: number): Promise<number> {
  const g = globalThis as unknown as Record<'setTimeout' | 'setInterval' | 'setImmediate', (...args: unknown[]) => unknown>;
  const real = { setTimeout: g.setTimeout, setInterval: g.setInterval, setImmediate: g.setImmediate };
  const wait = real.setTimeout;
  let count = 0;
  for (const name of ['setTimeout', 'setInterval', 'setImmediate'] as const) {
    const original = real[name];
    g[name] = (...args: unknown[]) => {
      count += 1;
      return original(...args);
    };
  }
  try {
    await new Promise((resolve) => wait(resolve, ms));
  } finally {
    Object.assign(g, real);
  }
  return count;
}

test('an idle writer sleeps until a write wakes it: no timer spins while nothing is queued', async () => {
  const sink = new MemorySink();
  const interval = 50;
  const writer = await newWriter(sink, { maxQueue: 1_000, maxBatch: 1_000, flushIntervalMs: interval });
  await writer.write([seqMetric('sleepy', 0)]);
  await waitUntil(() => sink.syncs > 0, interval + SLACK_MS, 5);
  const idleMs = 300;
  const timers = await countTimers(idleMs);
  expect(
    timers,
    `Expected the writer to start no timers during ${idleMs} ms with an empty queue, counted ${timers}: with nothing queued there is no deadline, ` +
      'so the loop waits for a notify only (wakeup.wait() without a timeout); a timeout from the last, already past deadline wakes it again and again (a busy loop on an idle service)',
  ).toBeLessThanOrEqual(2);
  await writer.write([seqMetric('sleepy', 1)]);
  const arrived = await waitUntil(() => sink.syncs > 1, interval + SLACK_MS, 5);
  expect(arrived, `Expected the metric written after the idle time on disk within ${interval} ms (+${SLACK_MS} ms slack): a write into an empty queue must wake the loop`).toBe(true);
  await withDeadline(writer.close(), 3_000, 'close()');
  expect(sink.lines.length, 'Expected exactly the 2 metrics written').toBe(2);
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
