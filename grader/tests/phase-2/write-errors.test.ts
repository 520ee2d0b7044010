import { expect, test } from 'vitest';
import { waitUntil, withDeadline } from '../../src/harness/deadline.ts';
import { checkSequences } from './support/lines.ts';
import { MemorySink } from './support/sinks.ts';
import { errorName, newWriter, seqMetric } from './support/writer-module.ts';

test('a failed write is retried: nothing lost, nothing duplicated, every failure counted and reported', async () => {
  const sink = new MemorySink((call) => call === 1 || call === 2 || call === 4);
  const reported: Error[] = [];
  const writer = await newWriter(sink, {
    maxQueue: 1_000,
    maxBatch: 10,
    flushIntervalMs: 10,
    maxAttempts: 5,
    retryDelayMs: 5,
    onError: (err) => reported.push(err),
  });
  for (let i = 0; i < 6; i++) await writer.write(Array.from({ length: 5 }, (_, k) => seqMetric('flaky', i * 5 + k)));
  await withDeadline(writer.close(), 5_000, 'close() with a disk that failed 3 times, then recovered');
  const problem = checkSequences(sink.lines, new Map([['flaky', 30]]));
  expect(problem, `The disk failed writes #1, #2 and #4, then worked; after close(): ${problem}`).toBeUndefined();
  expect(writer.stats().writeErrors, 'Expected stats().writeErrors to count the 3 failed writes').toBe(3);
  expect(reported.length, 'Expected onError to be called once per failed write (3)').toBe(3);
  expect(writer.stats().pending, 'Expected nothing pending after close()').toBe(0);
  expect(writer.stats().written, 'Expected stats().written = 30: every metric appended and fsync\'ed, counted once, failed attempts not at all').toBe(30);
  expect(
    writer.stats().batches,
    `Expected stats().batches to count the fsyncs that succeeded (${sink.syncs}), not the attempts (${sink.calls})`,
  ).toBe(sink.syncs);
});

test('a disk that keeps failing is surfaced: close() rejects and says how many metrics are not on disk — never silently dropped', async () => {
  const sink = new MemorySink(() => true);
  const reported: Error[] = [];
  const writer = await newWriter(sink, {
    maxQueue: 1_000,
    maxBatch: 10,
    flushIntervalMs: 10,
    maxAttempts: 3,
    retryDelayMs: 5,
    onError: (err) => reported.push(err),
  });
  await writer.write(Array.from({ length: 7 }, (_, k) => seqMetric('doomed', k)));
  await waitUntil(() => sink.calls >= 3, 3_000);
  let outcome: 'resolved' | Error = 'resolved';
  try {
    await withDeadline(writer.close(), 5_000, 'close() with a disk that always fails (maxAttempts 3)');
  } catch (err) {
    if ((err as Error).message.startsWith('deadlock suspected')) throw err;
    outcome = err as Error;
  }
  expect(
    outcome,
    `Expected close() to reject: the disk failed every write, so 7 accepted metrics are not on disk. It resolved — they were silently dropped (failed writes: ${sink.calls}, onError calls: ${reported.length}).`,
  ).toBeInstanceOf(Error);
  expect(sink.calls, 'Expected exactly maxAttempts (3) tries of the failing batch').toBe(3);
  expect(writer.stats().writeErrors, 'Expected stats().writeErrors to count the 3 failed attempts').toBe(3);
  expect(reported.length, 'Expected onError for each failed attempt').toBe(3);
  expect(
    String((outcome as Error).message),
    `Expected the close() error (${errorName(outcome)}) to say how many metrics could not be written (7)`,
  ).toMatch(/\b7\b/);
  expect(writer.stats().pending, 'Expected stats().pending to still count the 7 unwritten metrics').toBe(7);
});

test('after the disk failed for good, write() refuses instead of queueing into the void', async () => {
  const sink = new MemorySink(() => true);
  const writer = await newWriter(sink, { maxQueue: 1_000, maxBatch: 10, flushIntervalMs: 5, maxAttempts: 2, retryDelayMs: 5 });
  await writer.write([seqMetric('late', 0)]);
  await waitUntil(() => sink.calls >= 2, 3_000);
  await new Promise((resolve) => setTimeout(resolve, 50));
  let refused: unknown;
  try {
    await writer.write([seqMetric('late', 1)]);
  } catch (err) {
    refused = err;
  }
  expect(refused, 'Expected write() to reject once the writer gave up on the disk (after maxAttempts), got it accepted').toBeInstanceOf(Error);
  expect(
    errorName(refused),
    `Expected write() to throw the WriterFailedError the writer gave up with (the service answers 503 storage_failed), got ${errorName(refused)}: ${String(refused)}`,
  ).toBe('WriterFailedError');
  await writer.close().catch(() => undefined);
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

test('retries back off: retryDelayMs before the first retry, doubling for each further one; onError is told each attempt', async () => {
  const delay = 500;
  const sink = new MemorySink(() => true);
  const attempts: number[] = [];
  const reported: string[] = [];
  const writer = await newWriter(sink, {
    maxQueue: 1_000,
    maxBatch: 10,
    flushIntervalMs: 5,
    maxAttempts: 4,
    retryDelayMs: delay,
    onError: (err, attempt) => {
      attempts.push(attempt);
      reported.push(String(err?.message));
    },
  });
  await writer.write([seqMetric('backoff', 0), seqMetric('backoff', 1)]);
  // 500 + 1000 + 2000 ms of pauses, plus slack for a busy machine.
  await waitUntil(() => sink.calls >= 4, 3_500 + 3_000);
  await writer.close().catch(() => undefined);
  expect(sink.calls, 'Expected maxAttempts (4) attempts of the failing batch').toBe(4);
  const gaps = sink.calledAt.slice(1).map((t, i) => Math.round(t - sink.calledAt[i]!));
  const want = [delay, 2 * delay, 4 * delay];
  // Timers never fire early (5 ms for clock granularity); the upper bounds leave room for a busy machine
  // but not for the next step of the series.
  gaps.forEach((gap, i) => {
    const ok = gap >= want[i]! - 5 && gap < 2 * want[i]! - 5;
    if (!ok) {
      expect.fail(
        `Expected pauses of retryDelayMs ${delay} ms before the first retry, doubling each time (${want.join(', ')} ms), got ${gaps.join(', ')} ms: ` +
          `pause ${i + 1} is off. Sleep retryDelayMs * 2 ** (attempt - 1) after failed attempt number \`attempt\` (1-based).`,
      );
    }
  });
  expect(attempts, 'Expected onError(err, attempt) with attempt = 1, 2, 3, 4: the number of the attempt that failed').toEqual([1, 2, 3, 4]);
  expect(reported.every((m) => m.includes('injected disk error')), `Expected onError to get the sink's own error, got: ${reported.join('; ')}`).toBe(true);
});

test('giving up reports every metric not on disk — the failed batch and those queued behind it — also to a close() called during the retries', async () => {
  const sink = new MemorySink(() => true);
  const writer = await newWriter(sink, { maxQueue: 1_000, maxBatch: 4, flushIntervalMs: 5, maxAttempts: 3, retryDelayMs: 20 });
  await writer.write(Array.from({ length: 4 }, (_, k) => seqMetric('doomed', k)));
  await writer.write(Array.from({ length: 3 }, (_, k) => seqMetric('doomed', 4 + k)));
  // close() now, while the first batch is still being retried: it must learn how that ends.
  const outcome = await withDeadline(
    writer.close().then(
      () => 'resolved' as const,
      (err: unknown) => err,
    ),
    5_000,
    'close() with a disk that always fails (maxAttempts 3)',
  );
  if (outcome === 'resolved') {
    expect.fail(
      `Expected close(), called while a failing batch was being retried, to reject once the writer gave up (${sink.calls} failed attempts): it resolved, so 7 accepted metrics vanished silently. ` +
        'Await the loop first, then throw the failure it left.',
    );
  }
  expect(errorName(outcome), `Expected close() to reject with the WriterFailedError, got ${errorName(outcome)}: ${String(outcome)}`).toBe('WriterFailedError');
  const unwritten = (outcome as { unwritten?: unknown }).unwritten;
  expect(
    unwritten,
    `Expected the WriterFailedError to count all 7 metrics not on disk (the failed batch of 4 and the 3 queued behind it): new WriterFailedError(pending, cause), got ${String(unwritten)} — ${String((outcome as Error).message)}`,
  ).toBe(7);
  expect(writer.stats().pending, 'Expected stats().pending to still count the 7 unwritten metrics').toBe(7);
  expect(sink.closed, 'Expected close() to close the sink also when it rejects').toBe(true);
});

test('while a failed write is being retried, write() still accepts: only giving up for good refuses', async () => {
  const sink = new MemorySink((call) => call <= 2);
  const writer = await newWriter(sink, { maxQueue: 1_000, maxBatch: 10, flushIntervalMs: 5, maxAttempts: 5, retryDelayMs: 100 });
  await writer.write([seqMetric('retry', 0), seqMetric('retry', 1), seqMetric('retry', 2)]);
  await waitUntil(() => sink.calls >= 1, 3_000);
  await sleep(20);
  let refused: unknown;
  try {
    await withDeadline(writer.write([seqMetric('retry', 3), seqMetric('retry', 4)]), 1_000, 'write() during a retry');
  } catch (err) {
    if ((err as Error).message?.startsWith('deadlock suspected')) throw err;
    refused = err;
  }
  expect(
    refused,
    `Expected write() to accept while the loop retries a failed write (attempt ${sink.calls} of 5 failed): a disk error is a failure for good only after maxAttempts, got ${String(refused)}`,
  ).toBeUndefined();
  await withDeadline(writer.close(), 5_000, 'close() after the disk recovered');
  const problem = checkSequences(sink.lines, new Map([['retry', 5]]));
  expect(problem, `The disk failed writes #1 and #2, then worked: ${problem}`).toBeUndefined();
});
