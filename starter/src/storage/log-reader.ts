// Level 0 · provided: read it, don't change it.
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import type { Metric } from '../ingest/metric.ts';
import { decodeLine } from './line-format.ts';

/** Bytes read at a time: a log of any size is read without one giant string. */
const CHUNK_BYTES = 8 * 1024 * 1024;
const NEWLINE = 0x0a;

export interface LogRead {
  loaded: number;
  /** Lines that are not metrics (a torn last line after a crash, garbage): skipped, never fatal. */
  skipped: number;
  /** Byte offset just after the last newline: where the complete lines end. */
  end: number;
  /** File size when read; `size > end` means the log ends with an unterminated line. */
  size: number;
}

/**
 * Replay the JSON-lines log from byte `from` (0 or just after a newline), handing the decoded metrics
 * to `onBatch` in file order. Lines are what `split('\n')` of the whole file would give: blank ones are
 * ignored, an unterminated last line counts if it decodes. Newline bytes never occur inside a UTF-8
 * sequence, so cutting chunks at a newline never splits a character.
 */
export function readLog(file: string, from: number, onBatch: (metrics: Metric[]) => void, chunkBytes = CHUNK_BYTES): LogRead {
  if (!existsSync(file)) return { loaded: 0, skipped: 0, end: 0, size: 0 };
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const counts = { loaded: 0, skipped: 0 };
    const buf = Buffer.allocUnsafe(chunkBytes);
    let carry = Buffer.alloc(0);
    let pos = from;
    let end = from;
    while (pos < size) {
      const n = readSync(fd, buf, 0, Math.min(chunkBytes, size - pos), pos);
      if (n === 0) break;
      pos += n;
      const chunk = carry.length > 0 ? Buffer.concat([carry, buf.subarray(0, n)]) : buf.subarray(0, n);
      const lastNewline = chunk.lastIndexOf(NEWLINE);
      if (lastNewline >= 0) {
        onBatch(decodeLines(chunk.toString('utf8', 0, lastNewline), counts));
        end = pos - (chunk.length - lastNewline - 1);
      }
      carry = Buffer.from(chunk.subarray(lastNewline + 1)); // a copy: `buf` is reused
    }
    if (carry.length > 0) onBatch(decodeLines(carry.toString('utf8'), counts));
    return { ...counts, end, size };
  } finally {
    closeSync(fd);
  }
}

function decodeLines(text: string, counts: { loaded: number; skipped: number }): Metric[] {
  const batch: Metric[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      batch.push(decodeLine(line));
      counts.loaded++;
    } catch {
      counts.skipped++;
    }
  }
  return batch;
}
