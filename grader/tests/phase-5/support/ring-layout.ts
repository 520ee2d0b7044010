import { HEADER } from './ring-api.ts';

/**
 * An empty ring's memory, laid out exactly as the given part of spsc-ring.ts documents it, so
 * that the test can hand one buffer to both workers (which `attach` to it) without running the
 * learner's code on its own thread. Indices start at `startIndex`.
 */
export function layoutRing(capacity: number, startIndex: number): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(HEADER.bytes + capacity * HEADER.slotBytes);
  const words = new Int32Array(buffer, 0, HEADER.int32Length);
  Atomics.store(words, HEADER.capacity, capacity);
  Atomics.store(words, HEADER.head, startIndex | 0);
  Atomics.store(words, HEADER.tail, startIndex | 0);
  return buffer;
}
