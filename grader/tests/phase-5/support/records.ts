import type { RingRecord } from './ring-api.ts';

/**
 * The records a producer sends: record #i of a run is a pure function of (seed, i), so the
 * consumer can check order and every field without a copy of what was sent.
 */
export function expectedRecord(seed: number, i: number, into: RingRecord): RingRecord {
  let h = Math.imul(i ^ seed, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h ^= h >>> 13;
  into.seriesId = h | 0;
  into.seq = i | 0;
  into.value = (h >>> 8) / 1024 + i * 0.5;
  into.timestamp = 1_700_000_000_000 + i * 0.25;
  return into;
}

export const newRecord = (): RingRecord => ({ seriesId: 0, seq: 0, value: 0, timestamp: 0 });

export const sameRecord = (a: RingRecord, b: RingRecord): boolean =>
  a.seriesId === b.seriesId && a.seq === b.seq && a.value === b.value && a.timestamp === b.timestamp;

export const showRecord = (r: RingRecord): string =>
  `{seq ${r.seq}, seriesId ${r.seriesId}, value ${r.value}, timestamp ${r.timestamp}}`;

/** What went wrong at stream position `k`, in the learner's words. */
export function describeMismatch(k: number, got: RingRecord, want: RingRecord): string {
  const where = `record #${k}: expected ${showRecord(want)}, got ${showRecord(got)}`;
  if (got.seq === want.seq) return `content changed in transit at ${where} — the slot was read before it was written completely`;
  if (!Number.isInteger(got.seq)) return `garbage read at ${where} (a slot outside the ring? check the slot index of negative indices)`;
  const back = (want.seq - got.seq) | 0;
  if (back > 0) return `stale or duplicate slot at ${where}: record #${(k - back) | 0} came out again — the slot was read before it was written, or popped twice`;
  return `records lost at ${where}: ${-back} record(s) skipped (overwritten while full, or the index moved too far)`;
}
