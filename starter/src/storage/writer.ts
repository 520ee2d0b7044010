// Level 0 · provided: read it, don't change it.
import { appendFileSync, closeSync, fsyncSync, openSync } from 'node:fs';
import type { Metric } from '../ingest/metric.ts';
import { encodeLines } from './line-format.ts';
import { separatorAfterTornLine } from './torn-line.ts';

/**
 * Seam: where accepted metrics go. `write` resolves when the writer has taken responsibility for
 * the batch; `close` resolves when everything written so far is on disk.
 * Level 0: `SyncWriter`. Phase 2: a background `AsyncWriter` behind this same interface.
 */
export interface MetricWriter {
  write(batch: Metric[]): Promise<void>;
  /**
   * Optional: take several batches at once, as `write` would one after the other; one outcome per
   * batch, in order (undefined = taken, else why not). A writer on another thread answers them
   * with one round trip instead of one each.
   */
  writeAll?(batches: readonly Metric[][]): Promise<(Error | undefined)[]>;
  /**
   * Optional: resolves when every metric taken so far is on disk (fsynced), rejects (503) when that
   * cannot be confirmed. What `POST /metrics?ack=durable` waits for; a writer without it cannot offer that.
   */
  durable?(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Appends each batch as JSON lines and fsyncs, synchronously, in the request path: durable before
 * the 200, and the event loop waits for the disk on every request.
 */
export class SyncWriter implements MetricWriter {
  private fd: number | null;
  /** '\n' until the first append when the file ends with a torn line (see torn-line.ts). */
  private separator: string;

  constructor(readonly file: string) {
    this.separator = separatorAfterTornLine(file);
    this.fd = openSync(file, 'a');
  }

  async write(batch: Metric[]): Promise<void> {
    if (this.fd === null) throw new Error('SyncWriter is closed');
    if (batch.length === 0) return;
    appendFileSync(this.fd, this.separator + encodeLines(batch));
    fsyncSync(this.fd);
    this.separator = '';
  }

  /** Every write was fsynced before it resolved. */
  durable(): Promise<void> {
    return Promise.resolve();
  }

  async close(): Promise<void> {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
  }
}
