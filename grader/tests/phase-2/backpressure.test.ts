import { expect, test } from 'vitest';
import { waitUntil, withDeadline } from '../../src/harness/deadline.ts';
import { checkSequences } from './support/lines.ts';
import { MemorySink } from './support/sinks.ts';
import { postMetrics, startLevel2, wireMetric } from './support/service.ts';
import { errorName, newWriter, seqMetric, type TestMetric, type WriterUnderTest } from './support/writer-module.ts';

/** undefined if write() accepted the batch, else the error it rejected with. */
async function tryWrite(writer: WriterUnderTest, batch: TestMetric[]): Promise<unknown> {
  try {
    await withDeadline(writer.write(batch), 1_000, 'write() while the disk is stalled');
    return undefined;
  } catch (err) {
    if ((err as Error).message?.startsWith('deadlock suspected')) throw err;
    return err;
  }
}

test('the queue bound is exact: maxQueue metrics pending are accepted, one more is refused with QueueFullError', async () => {
  const sink = new MemorySink();
  sink.stall();
  const writer = await newWriter(sink, { maxQueue: 10, maxBatch: 4, flushIntervalMs: 5 });
  let seq = 0;
  const batch = (n: number) => Array.from({ length: n }, () => seqMetric('bp', seq++));
  for (const n of [3, 3, 3]) {
    const err = await tryWrite(writer, batch(n));
    expect(err, `Expected a batch of ${n} accepted with ${seq - n} of maxQueue 10 pending, got ${String(err)}`).toBeUndefined();
  }
  // Let the loop take a batch into the stalled disk: metrics being written still count as pending.
  await waitUntil(() => sink.calls > 0, 1_000);
  const over = await tryWrite(writer, [seqMetric('refused', 0), seqMetric('refused', 1), seqMetric('refused', 2)]);
  expect(over, 'Expected a batch of 3 refused with 9 of maxQueue 10 pending (the queue must be bounded), but write() accepted it').toBeInstanceOf(Error);
  expect(errorName(over), `Expected a QueueFullError, got ${errorName(over)}: ${String(over)}`).toBe('QueueFullError');
  expect(Number((over as { retryAfterSec?: unknown }).retryAfterSec), 'Expected QueueFullError.retryAfterSec >= 1').toBeGreaterThanOrEqual(1);
  const exact = await tryWrite(writer, batch(1));
  expect(exact, `Expected a batch of 1 accepted with 9 of 10 pending (the bound is exact), got ${String(exact)}`).toBeUndefined();
  const full = await tryWrite(writer, [seqMetric('refused', 3)]);
  expect(errorName(full), 'Expected one more metric refused with QueueFullError when 10 of 10 are pending').toBe('QueueFullError');
  expect(writer.stats().pending, 'Expected stats().pending = 10').toBe(10);
  expect(writer.stats().refused, 'Expected stats().refused to count the 4 refused metrics').toBe(4);

  sink.release();
  const drained = await waitUntil(() => writer.stats().pending === 0, 3_000);
  expect(drained, `Expected the queue to drain once the disk came back; pending = ${writer.stats().pending}`).toBe(true);
  const again = await tryWrite(writer, batch(10));
  expect(again, `Expected a batch of 10 accepted again once the queue drained, got ${String(again)}`).toBeUndefined();
  await withDeadline(writer.close(), 5_000, 'close()');
  const problem = checkSequences(sink.lines, new Map([['bp', 20]]));
  expect(problem, `Exactly the 20 accepted metrics must be on disk, none of the refused ones: ${problem}`).toBeUndefined();
});

test('through the service: 503 with Retry-After and a JSON body exactly when the queue is full', async () => {
  const svc = await startLevel2(['--queue-max', '5', '--disk-latency-ms', '8000', '--flush-interval-ms', '10']);
  try {
    const first = await postMetrics(svc.url, 'bp', [0, 1, 2].map((i) => wireMetric('bp', i)));
    expect(first.status, `Expected 200 with 0 of --queue-max 5 pending, got ${first.status}: ${first.body}`).toBe(200);
    const second = await postMetrics(svc.url, 'bp', [3, 4].map((i) => wireMetric('bp', i)));
    expect(second.status, `Expected 200 with 3 of 5 pending, got ${second.status}: ${second.body}`).toBe(200);
    const third = await postMetrics(svc.url, 'bp', [wireMetric('bp', 5)]);
    expect(third.status, `Expected 503 with 5 of --queue-max 5 pending (the disk takes 8 s), got ${third.status}: ${third.body}`).toBe(503);
    const retryAfter = Number(third.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1, `Expected a Retry-After header of whole seconds >= 1, got ${third.headers.get('retry-after')}`).toBe(true);
    let body: { error?: unknown } = {};
    try {
      body = JSON.parse(third.body) as typeof body;
    } catch {
      throw new Error(`Expected a JSON body with the 503, got: ${third.body.slice(0, 200)}`);
    }
    expect(body.error, `Expected {"error":"queue_full",...} in the 503 body, got ${third.body}`).toBe('queue_full');
  } finally {
    await svc.stop(500); // the queued metrics would take 16 s to drain; the drain is checked elsewhere
  }
}, 25_000);
