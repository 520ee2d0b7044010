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
  await writer.close().catch(() => undefined);
});
