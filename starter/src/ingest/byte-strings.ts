// Level 7 · provided: read it, don't change it.
/**
 * Strings out of request bytes for the byte parser (byte-parser.ts): pure-ASCII runs become strings
 * with one latin1 copy, and short ones that repeat (metric names, tag keys and values) are served
 * from a small cache keyed by their bytes, so a batch of 1,000 metrics over five hosts makes five
 * `"web-1"` strings at most, not 1,000.
 */

/** Node's Buffer has the per-encoding slices that `toString(encoding, start, end)` dispatches to; they are missing from its type declarations. */
interface BufferSlices {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}

/** The body as a Buffer without copying (a Buffer is returned as it is). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** bytes[start, end) as a string, one char per byte: exact for ASCII. */
export function latin1(buf: Buffer, start: number, end: number): string {
  return (buf as unknown as BufferSlices).latin1Slice(start, end);
}

/** bytes[start, end) decoded as UTF-8, invalid sequences as U+FFFD (what `buf.toString()` does to the whole body). */
export function utf8(buf: Buffer, start: number, end: number): string {
  return (buf as unknown as BufferSlices).utf8Slice(start, end);
}

/** FNV-1a step: the scanner folds each byte of a string into its hash as it goes. */
export const FNV_SEED = 0x811c9dc5 | 0;
export const fnv = (h: number, byte: number): number => Math.imul(h ^ byte, 0x01000193);

/** Longer strings are rarely repeated labels; they are sliced, not cached. */
export const INTERN_MAX_LENGTH = 48;
const SLOTS = 4096; // power of two; at most SLOTS * INTERN_MAX_LENGTH chars stay alive
const table: (string | undefined)[] = new Array<string | undefined>(SLOTS).fill(undefined);

/**
 * The string of the pure-ASCII bytes [start, end) whose FNV hash is `hash`, from the cache when
 * the same bytes were seen before (compared byte by byte: a hash collision only costs a slice).
 */
export function internAscii(buf: Buffer, start: number, end: number, hash: number): string {
  const n = end - start;
  if (n > INTERN_MAX_LENGTH) return latin1(buf, start, end);
  const slot = (hash ^ (hash >>> 13)) & (SLOTS - 1);
  const cached = table[slot];
  if (cached !== undefined && cached.length === n) {
    let k = 0;
    while (k < n && cached.charCodeAt(k) === buf[start + k]) k++;
    if (k === n) return cached;
  }
  const s = internalized(latin1(buf, start, end));
  table[slot] = s;
  return s;
}

/**
 * The engine's canonical copy of `s` (a property key read back is one): storing a tag under a
 * canonical key skips the engine's string-table lookup that a freshly sliced key costs every time.
 */
function internalized(s: string): string {
  return Object.keys({ [s]: 0 })[0] ?? s;
}
