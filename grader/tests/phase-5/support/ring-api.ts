/**
 * The shape of the learner's `starter/src/sync/spsc-ring.ts` as the graded tests use it. Declared
 * here, not imported, so the tests never compile against the learner's copy.
 */
export interface RingRecord {
  seriesId: number;
  seq: number;
  value: number;
  timestamp: number;
}

export interface Ring {
  readonly capacity: number;
  readonly buffer: SharedArrayBuffer;
  tryPush(r: RingRecord): boolean;
  tryPop(out: RingRecord): boolean;
  pushBatch(records: readonly RingRecord[], from?: number, count?: number): number;
  popBatch(out: RingRecord[], max?: number): number;
  size(): number;
  isEmpty(): boolean;
  isFull(): boolean;
  rejected(): number;
}

export interface RingModule {
  SpscRing: {
    create(capacity: number, options?: { startIndex?: number }): Ring;
    attach(buffer: SharedArrayBuffer): Ring;
  };
}

/** Where the header keeps its words (fixed by the given layout), read by the watchdog. */
export const HEADER = { head: 0, tail: 16, capacity: 32, int32Length: 48, bytes: 192, slotBytes: 24 } as const;

export const RING_FILE = 'src/sync/spsc-ring.ts';
