import { readFileSync } from 'node:fs';

/** Lines in a data file (one stored metric per line); 0 if the file was never created. */
export function countLines(file: string): number {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch {
    return 0;
  }
  let n = 0;
  for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) n++;
  return n;
}
