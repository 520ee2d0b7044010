// Level 5 · exercise of phase 5: yours to write on its branch; later branches hold the reference.
/**
 * A single-producer single-consumer ring of metric records in a SharedArrayBuffer: one thread
 * pushes, one other thread pops, no lock. Lesson: docs/phase-5-ring-buffer.md.
 *
 * Memory layout (byte offsets; the control words sit 64 bytes apart so the producer's and the
 * consumer's writes do not share a cache line):
 *
 *   0    HEAD      Int32  next index to pop      (written by the consumer only)
 *   64   TAIL      Int32  next index to push     (written by the producer only)
 *   128  CAPACITY  Int32  number of slots, a power of two
 *   132  REJECTED  Int32  records refused because the ring was full (written by the producer)
 *   192  slots    capacity x 24 bytes: [seriesId Int32][seq Int32][value Float64][timestamp Float64]
 *
 * Indices are free-running Int32 counters: they only ever grow by one per record and wrap from
 * 2^31-1 to -2^31. Three expressions stay correct across that wrap:
 *   next index      (t + 1) | 0
 *   records held    (tail - head) | 0        always in 0..capacity
 *   slot of index   i & (capacity - 1)       also for negative i (two's complement)
 *
 * Publication rule: a slot is written with plain stores, THEN its index is published with
 * Atomics.store; the other side reads the index with Atomics.load before it touches the slot.
 * Atomics are sequentially consistent, so everything written before the store is visible to
 * a thread whose load sees it. Every read or write of a control word goes through Atomics.
 */

/** One record as it travels through the ring. `seriesId` and `seq` are stored as Int32. */
export interface MetricRecord {
  seriesId: number;
  seq: number;
  value: number;
  timestamp: number;
}

export interface RingOptions {
  /** Value both indices start at (tests start near 2^31 to exercise the wrap). Default 0. */
  startIndex?: number;
}

/** Int32 positions of the control words in the header. */
export const HEAD = 0;
export const TAIL = 16;
export const CAPACITY = 32;
export const REJECTED = 33;

export const HEADER_BYTES = 192;
export const SLOT_BYTES = 24;
const SLOT_I32 = SLOT_BYTES / 4;
const SLOT_F64 = SLOT_BYTES / 8;

export class SpscRing {
  readonly capacity: number;
  private readonly mask: number;
  /** Control words: only ever accessed through Atomics (see the publication rule above). */
  private readonly ctrl: Int32Array;
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;

  /** Bytes of shared memory a ring of `capacity` slots needs. */
  static bytesFor(capacity: number): number {
    assertCapacity(capacity);
    return HEADER_BYTES + capacity * SLOT_BYTES;
  }

  /** A new empty ring in a fresh SharedArrayBuffer; send `ring.buffer` to the other thread. */
  static create(capacity: number, options: RingOptions = {}): SpscRing {
    const buffer = new SharedArrayBuffer(SpscRing.bytesFor(capacity));
    const ctrl = new Int32Array(buffer, 0, HEADER_BYTES / 4);
    const start = (options.startIndex ?? 0) | 0;
    Atomics.store(ctrl, CAPACITY, capacity);
    Atomics.store(ctrl, HEAD, start);
    Atomics.store(ctrl, TAIL, start);
    return new SpscRing(buffer);
  }

  /** Attach to a ring created by `create` (in this thread or another one). */
  static attach(buffer: SharedArrayBuffer): SpscRing {
    return new SpscRing(buffer);
  }

  private constructor(readonly buffer: SharedArrayBuffer) {
    if (buffer.byteLength < HEADER_BYTES) throw new RangeError('buffer is too small to hold a ring header');
    this.ctrl = new Int32Array(buffer, 0, HEADER_BYTES / 4);
    this.capacity = Atomics.load(this.ctrl, CAPACITY);
    assertCapacity(this.capacity);
    if (buffer.byteLength < SpscRing.bytesFor(this.capacity)) {
      throw new RangeError(`buffer holds ${buffer.byteLength} bytes, a ring of ${this.capacity} slots needs ${SpscRing.bytesFor(this.capacity)}`);
    }
    this.mask = this.capacity - 1;
    this.i32 = new Int32Array(buffer, HEADER_BYTES, this.capacity * SLOT_I32);
    this.f64 = new Float64Array(buffer, HEADER_BYTES, this.capacity * SLOT_F64);
  }

  /** Producer only. Copies `r` into the ring; false (and counted in `rejected()`) when full. */
  tryPush(r: MetricRecord): boolean {
    const tail = Atomics.load(this.ctrl, TAIL);
    const head = Atomics.load(this.ctrl, HEAD);
    if (((tail - head) | 0) >= this.capacity) {
      Atomics.add(this.ctrl, REJECTED, 1);
      return false;
    }
    this.writeSlot(tail & this.mask, r);
    Atomics.store(this.ctrl, TAIL, (tail + 1) | 0);
    return true;
  }

  /** Consumer only. Copies the oldest record into `out`; false (and `out` untouched) when empty. */
  tryPop(out: MetricRecord): boolean {
    const head = Atomics.load(this.ctrl, HEAD);
    const tail = Atomics.load(this.ctrl, TAIL);
    if (head === tail) return false;
    this.readSlot(head & this.mask, out);
    Atomics.store(this.ctrl, HEAD, (head + 1) | 0);
    return true;
  }

  /**
   * Producer only. Pushes `records[from .. from+count)` in order, as many as fit, and publishes
   * them with one index store. Returns how many were pushed; the rest are counted as rejected.
   */
  pushBatch(records: readonly MetricRecord[], from = 0, count = records.length - from): number {
    const tail = Atomics.load(this.ctrl, TAIL);
    const free = this.capacity - ((tail - Atomics.load(this.ctrl, HEAD)) | 0);
    const n = Math.min(count, free);
    for (let i = 0; i < n; i++) this.writeSlot((tail + i) & this.mask, records[from + i]!);
    if (n > 0) Atomics.store(this.ctrl, TAIL, (tail + n) | 0);
    if (n < count) Atomics.add(this.ctrl, REJECTED, count - n);
    return n;
  }

  /**
   * Consumer only. Pops up to `max` records into `out[0..n)` (reusing the objects already there)
   * and frees their slots with one index store. Returns n, 0 when empty.
   */
  popBatch(out: MetricRecord[], max = out.length): number {
    const head = Atomics.load(this.ctrl, HEAD);
    const n = Math.min(max, (Atomics.load(this.ctrl, TAIL) - head) | 0);
    for (let i = 0; i < n; i++) {
      const r = out[i] ?? (out[i] = { seriesId: 0, seq: 0, value: 0, timestamp: 0 });
      this.readSlot((head + i) & this.mask, r);
    }
    if (n > 0) Atomics.store(this.ctrl, HEAD, (head + n) | 0);
    return Math.max(n, 0);
  }

  /** Records currently held, 0..capacity. Exact for the calling side, a snapshot for the other. */
  size(): number {
    return (Atomics.load(this.ctrl, TAIL) - Atomics.load(this.ctrl, HEAD)) | 0;
  }

  isEmpty(): boolean {
    return this.size() === 0;
  }

  isFull(): boolean {
    return this.size() >= this.capacity;
  }

  /** Records refused because the ring was full: the overflow policy is "reject and count". */
  rejected(): number {
    return Atomics.load(this.ctrl, REJECTED);
  }

  private writeSlot(slot: number, r: MetricRecord): void {
    const i = slot * SLOT_I32;
    const f = slot * SLOT_F64;
    this.i32[i] = r.seriesId;
    this.i32[i + 1] = r.seq;
    this.f64[f + 1] = r.value;
    this.f64[f + 2] = r.timestamp;
  }

  private readSlot(slot: number, out: MetricRecord): void {
    const i = slot * SLOT_I32;
    const f = slot * SLOT_F64;
    out.seriesId = this.i32[i]!;
    out.seq = this.i32[i + 1]!;
    out.value = this.f64[f + 1]!;
    out.timestamp = this.f64[f + 2]!;
  }
}

function assertCapacity(capacity: number): void {
  if (!Number.isInteger(capacity) || capacity < 2 || capacity > 2 ** 24 || (capacity & (capacity - 1)) !== 0) {
    throw new RangeError(`capacity must be a power of two between 2 and 2^24, got ${capacity}`);
  }
}
