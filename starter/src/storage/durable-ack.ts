// Level 2 · provided: read it, don't change it.
import { OverloadError } from '../lib/overload.ts';
import type { Metric } from '../ingest/metric.ts';
import type { AsyncWriter } from './async-writer.ts';
import type { MetricWriter } from './writer.ts';

/** Longest a `?ack=durable` request waits for the disk before it is told to retry (503). */
export const DURABLE_TIMEOUT_MS = 10_000;
const POLL_MS = 5;

/**
 * Phase 2's writer with `durable()`: it writes in FIFO order, so once its `written` counter (metrics
 * appended and fsynced) reaches the number taken so far, everything taken so far is on disk.
 */
export function withDurableAck(writer: AsyncWriter): MetricWriter {
  let taken = 0;
  return {
    async write(batch: Metric[]) {
      await writer.write(batch);
      taken += batch.length;
    },
    durable: () => untilWritten(() => writer.stats().written, taken),
    close: () => writer.close(),
  };
}

/** Resolves once `written()` reaches `target`; a disk that does not get there in time is a 503, never a hang. */
export async function untilWritten(written: () => number, target: number, timeoutMs = DURABLE_TIMEOUT_MS): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (written() < target) {
    if (performance.now() > deadline) throw new OverloadError(`storage did not confirm the batch on disk within ${timeoutMs} ms`, 'not_durable', 5);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
