// Level 7 · provided: read it, don't change it.
import type { PackedMetrics } from '../ingest/packed-metrics.ts';
import { OverloadError } from '../lib/overload.ts';
import type { WriterConfig } from './create-writer.ts';

/** Messages between a ThreadedWriter (event loop) and its writer thread (writer-thread.ts). */

/** The thread's `workerData`: what phase 2's writer is built from (plain data, it is cloned). */
export type WriterThreadData = WriterConfig;

/** Event loop -> writer thread. `counts` splits the packed metrics back into the batches given to write(). */
export type ToWriterThread = { type: 'write'; id: number; packed: PackedMetrics; counts: number[] } | { type: 'close' };

export type BatchOutcome = { ok: true } | { ok: false; error: WriterWireError };

/** Writer thread -> event loop: one outcome per batch of a `write`, log lines, and the end of close(). */
export type FromWriterThread = { type: 'written'; id: number; outcomes: BatchOutcome[] } | HostMessage;

/** What every writer thread says, whatever else it says: its log lines, and the end of close(). */
export type HostMessage = { type: 'log'; line: string } | { type: 'closed'; error?: WriterWireError };

/** A writer error across the thread boundary; an OverloadError keeps what the 503 needs. */
export interface WriterWireError {
  name: string;
  message: string;
  overload?: { code: string; retryAfterSec: number };
}

export function writerErrorToWire(err: unknown): WriterWireError {
  const e = err instanceof Error ? err : new Error(String(err));
  const wire: WriterWireError = { name: e.name, message: e.message };
  if (e instanceof OverloadError) wire.overload = { code: e.code, retryAfterSec: e.retryAfterSec };
  return wire;
}

/** The same answer the writer would give on the event loop: an OverloadError is still a 503 with its Retry-After. */
export function writerErrorFromWire(w: WriterWireError): Error {
  const err = w.overload ? new OverloadError(w.message, w.overload.code, w.overload.retryAfterSec) : new Error(w.message);
  err.name = w.name;
  return err;
}
