import type { RingRecord } from '../../../tests/phase-5/support/ring-api.ts';

/** The part of phase 4's `src/sync/mutex.ts` the comparison queue uses. */
interface Lock {
  lock(owner: number): void;
  unlock(owner: number): void;
}
export interface MutexModule {
  LockTable: { new (sab: SharedArrayBuffer): { mutex(index: number): Lock }; create(lockCount: number, maxOwners: number): { sab: SharedArrayBuffer } };
}

/**
 * The baseline of `ring-vs-mutex`: the same bounded queue of records, but every push and pop
 * takes phase 4's mutex and then uses plain reads and writes (the lock orders them).
 * Buffer: [lockTable SAB] + this queue's SAB: Int32 [head, tail, capacity] then Float64 slots.
 */
export class MutexQueue {
  private readonly lock: Lock;
  private readonly words: Int32Array;
  private readonly slots: Float64Array;
  private readonly cap: number;

  static create(mod: MutexModule, capacity: number): { lockTable: SharedArrayBuffer; queue: SharedArrayBuffer } {
    const queue = new SharedArrayBuffer(16 + capacity * 32);
    new Int32Array(queue, 0, 4)[2] = capacity;
    return { lockTable: mod.LockTable.create(1, 2).sab, queue };
  }

  constructor(
    mod: MutexModule,
    buffers: { lockTable: SharedArrayBuffer; queue: SharedArrayBuffer },
    private readonly owner: number,
  ) {
    this.lock = new mod.LockTable(buffers.lockTable).mutex(0);
    this.words = new Int32Array(buffers.queue, 0, 4);
    this.cap = this.words[2]!;
    this.slots = new Float64Array(buffers.queue, 16, this.cap * 4);
  }

  tryPush(r: RingRecord): boolean {
    this.lock.lock(this.owner);
    const tail = this.words[1]!;
    const ok = tail - this.words[0]! < this.cap;
    if (ok) {
      const s = (tail % this.cap) * 4;
      this.slots[s] = r.seriesId;
      this.slots[s + 1] = r.seq;
      this.slots[s + 2] = r.value;
      this.slots[s + 3] = r.timestamp;
      this.words[1] = tail + 1;
    }
    this.lock.unlock(this.owner);
    return ok;
  }

  tryPop(out: RingRecord): boolean {
    this.lock.lock(this.owner);
    const head = this.words[0]!;
    const ok = head !== this.words[1]!;
    if (ok) {
      const s = (head % this.cap) * 4;
      out.seriesId = this.slots[s]!;
      out.seq = this.slots[s + 1]!;
      out.value = this.slots[s + 2]!;
      out.timestamp = this.slots[s + 3]!;
      this.words[0] = head + 1;
    }
    this.lock.unlock(this.owner);
    return ok;
  }
}
