// Level 4 · provided: read it, don't change it.
import { MAX_CLIENT_ID_BYTES } from '../http/client-id.ts';

/**
 * The per-client state of the rate limiter, in one SharedArrayBuffer so that every ingest worker
 * shares it. The table is split into regions, one per lock stripe: a client lives in the region of
 * its stripe, so whoever holds that stripe's lock may look up, insert and update the client
 * without touching memory another stripe guards. Nothing here locks: callers hold the region's lock.
 *
 * Per slot: used flag, key length, log size, log head, allowed and rejected counters (Int32),
 * the client id (UTF-8, at most MAX_CLIENT_ID_BYTES), and a ring of the last `logCapacity`
 * accepted request times (Float64, ms).
 */

export { MAX_CLIENT_ID_BYTES };

const META = 6;
const USED = 0;
const KEY_LEN = 1;
const LOG_SIZE = 2;
const LOG_HEAD = 3;
const ALLOWED = 4;
const REJECTED = 5;

export interface ClientTableShape {
  regions: number;
  slotsPerRegion: number;
  /** Timestamps kept per client: the limiter's limit N. */
  logCapacity: number;
}

export class InvalidClientIdError extends Error {
  override readonly name = 'InvalidClientIdError';
}

export class ClientTableFullError extends Error {
  override readonly name = 'ClientTableFullError';
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** UTF-8 bytes of a client id; throws a clear error for an empty or oversized id. */
export function encodeClientId(clientId: string): Uint8Array {
  if (typeof clientId !== 'string' || clientId.length === 0) {
    throw new InvalidClientIdError('client id must be a non-empty string');
  }
  const bytes = encoder.encode(clientId);
  if (bytes.length > MAX_CLIENT_ID_BYTES) {
    throw new InvalidClientIdError(`client id is ${bytes.length} bytes long; at most ${MAX_CLIENT_ID_BYTES} are allowed`);
  }
  return bytes;
}

export class ClientTable {
  private readonly meta: Int32Array;
  private readonly keys: Uint8Array;
  private readonly stamps: Float64Array;
  private readonly slots: number;

  static bytesFor(shape: ClientTableShape): number {
    const slots = shape.regions * shape.slotsPerRegion;
    // Float64 ring first (8-byte aligned), then Int32 meta, then key bytes.
    return slots * (shape.logCapacity * 8 + META * 4 + MAX_CLIENT_ID_BYTES);
  }

  static create(shape: ClientTableShape): ClientTable {
    for (const [k, v] of Object.entries(shape)) {
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`${k} must be a positive integer, got ${v}`);
    }
    return new ClientTable(new SharedArrayBuffer(ClientTable.bytesFor(shape)), shape);
  }

  constructor(
    readonly sab: SharedArrayBuffer,
    readonly shape: ClientTableShape,
  ) {
    this.slots = shape.regions * shape.slotsPerRegion;
    const stampBytes = this.slots * shape.logCapacity * 8;
    this.stamps = new Float64Array(sab, 0, this.slots * shape.logCapacity);
    this.meta = new Int32Array(sab, stampBytes, this.slots * META);
    this.keys = new Uint8Array(sab, stampBytes + this.slots * META * 4, this.slots * MAX_CLIENT_ID_BYTES);
  }

  /**
   * The slot of `clientId` in `region`, claiming a free one for a new client.
   * Caller holds the region's lock. Throws ClientTableFullError when the region has no free slot.
   */
  slotFor(region: number, clientId: string): number {
    const key = encodeClientId(clientId);
    const { slotsPerRegion } = this.shape;
    const base = region * slotsPerRegion;
    for (let i = 0; i < slotsPerRegion; i++) {
      const slot = base + i;
      const m = slot * META;
      if (this.meta[m + USED] === 0) {
        this.claim(slot, key);
        return slot;
      }
      if (this.sameKey(slot, key)) return slot;
    }
    throw new ClientTableFullError(
      `no free slot for client "${clientId}": region ${region} already holds ${slotsPerRegion} clients`,
    );
  }

  /** Slots in use in `region` (caller holds the region's lock). */
  usedSlots(region: number): number[] {
    const out: number[] = [];
    const base = region * this.shape.slotsPerRegion;
    for (let i = 0; i < this.shape.slotsPerRegion; i++) {
      if (this.meta[(base + i) * META + USED] !== 0) out.push(base + i);
    }
    return out;
  }

  clientId(slot: number): string {
    const len = this.meta[slot * META + KEY_LEN]!;
    return decoder.decode(this.keys.slice(slot * MAX_CLIENT_ID_BYTES, slot * MAX_CLIENT_ID_BYTES + len));
  }

  /** Accepted request times of a slot, oldest first, as a ring of `logCapacity` entries. */
  log(slot: number): WindowLog {
    return new WindowLog(this, slot);
  }

  countAllowed(slot: number): void {
    this.meta[slot * META + ALLOWED]!++;
  }

  countRejected(slot: number): void {
    this.meta[slot * META + REJECTED]!++;
  }

  /** Read and reset a slot's counters (caller holds the region's lock). */
  takeCounts(slot: number): { allowed: number; rejected: number } {
    const m = slot * META;
    const counts = { allowed: this.meta[m + ALLOWED]!, rejected: this.meta[m + REJECTED]! };
    this.meta[m + ALLOWED] = 0;
    this.meta[m + REJECTED] = 0;
    return counts;
  }

  /** @internal for WindowLog */
  logState(slot: number): { meta: Int32Array; stamps: Float64Array; metaAt: number; stampAt: number } {
    return { meta: this.meta, stamps: this.stamps, metaAt: slot * META, stampAt: slot * this.shape.logCapacity };
  }

  private claim(slot: number, key: Uint8Array): void {
    const m = slot * META;
    this.keys.set(key, slot * MAX_CLIENT_ID_BYTES);
    this.meta[m + KEY_LEN] = key.length;
    this.meta[m + LOG_SIZE] = 0;
    this.meta[m + LOG_HEAD] = 0;
    this.meta[m + ALLOWED] = 0;
    this.meta[m + REJECTED] = 0;
    this.meta[m + USED] = 1;
  }

  private sameKey(slot: number, key: Uint8Array): boolean {
    if (this.meta[slot * META + KEY_LEN] !== key.length) return false;
    const at = slot * MAX_CLIENT_ID_BYTES;
    for (let i = 0; i < key.length; i++) if (this.keys[at + i] !== key[i]) return false;
    return true;
  }
}

/**
 * The last `capacity` accepted request times of one client, oldest first. Pushing into a full log
 * drops the oldest entry — a sliding window of limit N never needs more than the last N.
 */
export class WindowLog {
  private readonly meta: Int32Array;
  private readonly stamps: Float64Array;
  private readonly metaAt: number;
  private readonly stampAt: number;
  readonly capacity: number;

  constructor(table: ClientTable, slot: number) {
    ({ meta: this.meta, stamps: this.stamps, metaAt: this.metaAt, stampAt: this.stampAt } = table.logState(slot));
    this.capacity = table.shape.logCapacity;
  }

  get size(): number {
    return this.meta[this.metaAt + LOG_SIZE]!;
  }

  /** The oldest time in the log; NaN when the log is empty. */
  oldest(): number {
    return this.size === 0 ? NaN : this.stamps[this.stampAt + this.meta[this.metaAt + LOG_HEAD]!]!;
  }

  /** Append `timeMs`; in a full log it replaces the oldest entry. */
  push(timeMs: number): void {
    const size = this.size;
    const head = this.meta[this.metaAt + LOG_HEAD]!;
    if (size < this.capacity) {
      this.stamps[this.stampAt + ((head + size) % this.capacity)] = timeMs;
      this.meta[this.metaAt + LOG_SIZE] = size + 1;
    } else {
      this.stamps[this.stampAt + head] = timeMs;
      this.meta[this.metaAt + LOG_HEAD] = (head + 1) % this.capacity;
    }
  }
}
