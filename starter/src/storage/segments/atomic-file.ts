// Level 7 · provided: read it, don't change it.
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';

/** Suffix of a file being written; a crash can leave one behind, it is never read. */
export const TMP_SUFFIX = '.tmp';

/**
 * Write `name` in `dir` so that a reader sees the old file or the whole new one, never a part:
 * write a temporary file, fsync it, rename it over the name. Call `syncDir` after the renames
 * that must survive a power cut.
 */
export function writeFileAtomic(dir: string, name: string, data: Buffer): void {
  const tmp = path.join(dir, name + TMP_SUFFIX);
  const fd = openSync(tmp, 'w', 0o644);
  try {
    let done = 0;
    while (done < data.length) done += writeSync(fd, data, done, data.length - done);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path.join(dir, name));
}

/** Make the directory's entries (created, renamed, deleted files) durable. */
export function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
