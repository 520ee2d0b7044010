// Level 0 · provided: read it, don't change it.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/**
 * What to write before the first append to an existing log: a crash mid-append can leave a last
 * line without its newline, and a line appended right after it would be glued onto the fragment —
 * an acknowledged metric nobody could read back. Ending the fragment keeps the damage to that one
 * torn line (skipped and counted at load). '' when the file is missing, empty or ends with '\n'.
 */
export function separatorAfterTornLine(file: string): '' | '\n' {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return ''; // no file yet
  }
  try {
    const { size } = fstatSync(fd);
    if (size === 0) return '';
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] === 0x0a ? '' : '\n';
  } finally {
    closeSync(fd);
  }
}
