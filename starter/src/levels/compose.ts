// Level 0 · provided: read it, don't change it.
import { importLevel } from '../lib/later-level.ts';
import { level0 } from './level-0.ts';
import type { Level, Seams } from './seams.ts';

/**
 * The seams of `level`: level 0's, then each later level's changes in order. Levels after 0 are
 * loaded by path, so a learning branch runs with only the levels it holds (lib/later-level.ts).
 */
export async function composeLevels(level: number): Promise<Seams> {
  let seams = level0;
  for (let n = 1; n <= level; n++) {
    const { default: next } = await importLevel<{ default: Level }>(`levels/level-${n}.ts`, n);
    seams = next(seams);
  }
  return seams;
}
