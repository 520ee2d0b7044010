// Level 7 · provided: read it, don't change it.
import os from 'node:os';

/**
 * One time partition's points in a compact, immutable file:
 *
 *   "MSSG" | u32 LE header length | header JSON | zero padding to 8 bytes | times (Float64) | values (Float64)
 *
 * The header names each series and how many points it has; the columns hold every series' points
 * back to back, in header order, each series sorted by time. 16 bytes a point, read back with one
 * copy per series instead of parsing a JSON line per point.
 */

const MAGIC = 'MSSG';
const VERSION = 1;
const PREFIX_BYTES = 8;

export interface SegmentSeries {
  name: string;
  tags: Record<string, string>;
  times: Float64Array;
  values: Float64Array;
}

interface SegmentHeader {
  version: number;
  byteOrder: 'LE' | 'BE';
  start: number;
  partitionMs: number;
  points: number;
  series: Array<{ name: string; tags: Record<string, string>; count: number }>;
}

/** A segment file that cannot be trusted: torn, corrupt, or for another partition. */
export class SegmentFileError extends Error {
  override readonly name = 'SegmentFileError';
}

const align8 = (n: number): number => Math.ceil(n / 8) * 8;

export function encodeSegment(start: number, partitionMs: number, series: readonly SegmentSeries[]): Buffer {
  const points = series.reduce((n, s) => n + s.times.length, 0);
  const header: SegmentHeader = {
    version: VERSION,
    byteOrder: os.endianness(),
    start,
    partitionMs,
    points,
    series: series.map((s) => ({ name: s.name, tags: s.tags, count: s.times.length })),
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const dataAt = align8(PREFIX_BYTES + json.length);
  const out = Buffer.alloc(dataAt + points * 16);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(json.length, 4);
  json.copy(out, PREFIX_BYTES);
  // `out` may not start on an 8-byte boundary of its ArrayBuffer: write the columns as bytes.
  let at = dataAt;
  for (const s of series) at += copyBytes(s.times, out, at);
  for (const s of series) at += copyBytes(s.values, out, at);
  return out;
}

/** Read a segment file back; throws SegmentFileError on anything that is not exactly what encodeSegment wrote. */
export function decodeSegment(buf: Buffer, expected: { start: number; partitionMs: number }, source: string): SegmentSeries[] {
  try {
    return decodeColumns(buf, expected);
  } catch (err) {
    throw new SegmentFileError(`${source}: ${(err as Error).message}`);
  }
}

function decodeColumns(buf: Buffer, expected: { start: number; partitionMs: number }): SegmentSeries[] {
  if (buf.length < PREFIX_BYTES || buf.toString('latin1', 0, 4) !== MAGIC) throw new SegmentFileError('not a segment file (bad magic)');
  const headerBytes = buf.readUInt32LE(4);
  if (PREFIX_BYTES + headerBytes > buf.length) throw new SegmentFileError('header runs past the end of the file (torn)');
  let header: SegmentHeader;
  try {
    header = JSON.parse(buf.toString('utf8', PREFIX_BYTES, PREFIX_BYTES + headerBytes)) as SegmentHeader;
  } catch {
    throw new SegmentFileError('header is not valid JSON');
  }
  checkHeader(header, expected);
  const dataAt = align8(PREFIX_BYTES + headerBytes);
  if (buf.length !== dataAt + header.points * 16) throw new SegmentFileError(`size ${buf.length} does not match ${header.points} points (torn)`);
  const times = float64s(buf, dataAt, header.points);
  const values = float64s(buf, dataAt + header.points * 8, header.points);
  const out: SegmentSeries[] = [];
  let at = 0;
  for (const { name, tags, count } of header.series) {
    const t = times.subarray(at, at + count);
    for (let i = 0; i < count; i++) {
      const ti = t[i]!;
      if (!(ti >= header.start && ti < header.start + header.partitionMs) || (i > 0 && ti < t[i - 1]!)) {
        throw new SegmentFileError(`series ${name} has a time outside its partition or out of order`);
      }
    }
    out.push({ name, tags, times: t, values: values.subarray(at, at + count) });
    at += count;
  }
  return out;
}

function checkHeader(h: SegmentHeader, expected: { start: number; partitionMs: number }): void {
  if (typeof h !== 'object' || h === null || h.version !== VERSION) throw new SegmentFileError('unknown header version');
  if (h.byteOrder !== os.endianness()) throw new SegmentFileError(`written on a ${String(h.byteOrder)} machine`);
  if (h.start !== expected.start || h.partitionMs !== expected.partitionMs) throw new SegmentFileError('header names another partition');
  if (!Number.isSafeInteger(h.points) || h.points < 0 || !Array.isArray(h.series)) throw new SegmentFileError('bad point count');
  let sum = 0;
  for (const s of h.series) {
    const ok = typeof s === 'object' && s !== null && typeof s.name === 'string' && typeof s.tags === 'object' && s.tags !== null && Number.isSafeInteger(s.count) && s.count >= 0;
    if (!ok) throw new SegmentFileError('bad series entry in header');
    sum += s.count;
  }
  if (sum !== h.points) throw new SegmentFileError('series counts do not add up to the point count');
}

function copyBytes(column: Float64Array, out: Buffer, at: number): number {
  const bytes = Buffer.from(column.buffer, column.byteOffset, column.byteLength);
  bytes.copy(out, at);
  return bytes.length;
}

/** A Float64Array over `count` numbers at `offset`: a view when aligned, else one copy. */
function float64s(buf: Buffer, offset: number, count: number): Float64Array {
  const at = buf.byteOffset + offset;
  if (at % 8 === 0) return new Float64Array(buf.buffer, at, count);
  const copy = new Float64Array(count);
  Buffer.from(copy.buffer).set(buf.subarray(offset, offset + count * 8));
  return copy;
}
