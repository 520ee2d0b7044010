// Level 7 · provided: read it, don't change it.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';

/** How many bytes at each end of the covered part of the log are hashed. */
const EDGE_BYTES = 4096;

/**
 * Which log a set of segments describes: its first `bytes` bytes, recognised by the hashes of their
 * first and last <= 4 KiB. A log that was truncated, replaced or edited near that point no longer
 * matches, and the segments are ignored in favour of replaying the log.
 */
const EMPTY_HASH = createHash('sha256').digest('hex');

export interface LogMark {
  bytes: number;
  head: string;
  tail: string;
}

export function markLog(file: string, bytes: number): LogMark {
  if (bytes === 0) return { bytes, head: EMPTY_HASH, tail: EMPTY_HASH };
  const fd = openSync(file, 'r');
  try {
    return { bytes, head: hashRange(fd, 0, Math.min(EDGE_BYTES, bytes)), tail: hashRange(fd, Math.max(0, bytes - EDGE_BYTES), bytes) };
  } finally {
    closeSync(fd);
  }
}

/** Why the log no longer matches `mark`, or undefined when it still does. */
export function logMismatch(file: string, mark: LogMark): string | undefined {
  if (mark.bytes === 0) return undefined;
  if (!existsSync(file)) return 'the log is gone';
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size < mark.bytes) return `the log has ${size} bytes, the segments cover ${mark.bytes} (truncated or replaced)`;
    const head = hashRange(fd, 0, Math.min(EDGE_BYTES, mark.bytes));
    const tail = hashRange(fd, Math.max(0, mark.bytes - EDGE_BYTES), mark.bytes);
    if (head !== mark.head || tail !== mark.tail) return `the log's bytes before offset ${mark.bytes} changed (edited or replaced)`;
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** The byte before `offset` (a newline when the log ends with a complete line). */
export function byteBefore(file: string, offset: number): number | undefined {
  if (offset === 0) return undefined;
  const fd = openSync(file, 'r');
  try {
    const one = Buffer.alloc(1);
    return readSync(fd, one, 0, 1, offset - 1) === 1 ? one[0] : undefined;
  } finally {
    closeSync(fd);
  }
}

function hashRange(fd: number, from: number, to: number): string {
  const buf = Buffer.alloc(to - from);
  let done = 0;
  while (done < buf.length) {
    const n = readSync(fd, buf, done, buf.length - done, from + done);
    if (n === 0) break;
    done += n;
  }
  return createHash('sha256').update(buf.subarray(0, done)).digest('hex');
}
