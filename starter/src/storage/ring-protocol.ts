// Level 7 · provided: read it, don't change it.
import type { WriterConfig } from './create-writer.ts';
import type { HostMessage, WriterWireError } from './writer-thread-protocol.ts';

/**
 * How a RingWriter (event loop) and its thread (ring-writer-thread.ts) talk. Metrics travel
 * through phase 5's SPSC ring as records `[seriesId, seq, value, timestamp]`; what a series id
 * means (name, tags, client) travels once per series as a message, posted before its first record.
 */
export interface RingThreadData extends WriterConfig {
  /** The ring's SharedArrayBuffer (SpscRing.create on the event loop). */
  ring: SharedArrayBuffer;
  /** STATUS words (Int32): set by the thread, read by the event loop before it takes a batch. */
  status: SharedArrayBuffer;
  /** One BigInt64: metrics the thread's writer has appended and fsynced (what `?ack=durable` waits for). */
  written: SharedArrayBuffer;
}

/** Int32 positions in `status`. */
export const FAILED = 0;
/** 1 while the thread sleeps on the ring's tail: only then does a push need an Atomics.notify. */
export const SLEEPING = 1;
export const STATUS_WORDS = 2;

export interface SeriesDefinition {
  id: number;
  name: string;
  tags: Record<string, string>;
  client: string;
}

export type ToRingThread = { type: 'series'; series: SeriesDefinition } | { type: 'close' };

export type FromRingThread = { type: 'failed'; error: WriterWireError } | HostMessage;
