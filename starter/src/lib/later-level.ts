// Level 0 · provided: read it, don't change it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The service asked for a feature of a level this branch does not contain yet. */
export class MissingLevelError extends Error {
  override readonly name = 'MissingLevelError';
}

/**
 * Load a module of `level` by its path under starter/src. A learning branch holds only the files
 * its own level and the earlier ones use, so a later level's module may be absent: that is said
 * plainly instead of as a module resolution error. Modules of earlier levels are imported normally.
 */
export async function importLevel<T>(rel: string, level: number): Promise<T> {
  const url = new URL(`../${rel}`, import.meta.url);
  if (!existsSync(fileURLToPath(url))) {
    throw new MissingLevelError(`${rel} belongs to level ${level}, which this branch does not contain yet: run at a lower --level, or check out a later learning branch (npm run branches)`);
  }
  return (await import(url.href)) as T;
}
