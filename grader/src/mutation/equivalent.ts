import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../harness/target.ts';
import { mutantsDir } from '../tree/materialize.ts';

/**
 * A generated mutant that no test can kill because it does not change what the code does (or changes
 * only what no rule of the lesson speaks of), with the one-line reason. Kept per phase in
 * `grader/mutants/phase-N/equivalent.json`, matched by file, line, mutator and replacement.
 */
export interface EquivalentMutant {
  /** Relative to starter/, e.g. `src/query/aggregate.ts`. */
  file: string;
  line: number;
  /** Where on the line, when one line holds more than one mutant of the same kind. */
  column?: number;
  mutator: string;
  replacement: string;
  why: string;
}

export const equivalentFile = (phaseId: number): string => path.join(mutantsDir(phaseId), 'equivalent.json');

export function readEquivalents(phaseId: number, root = REPO_ROOT): EquivalentMutant[] {
  const file = path.join(root, equivalentFile(phaseId));
  if (!existsSync(file)) return [];
  const list = JSON.parse(readFileSync(file, 'utf8')) as EquivalentMutant[];
  for (const e of list) {
    if (!e.why?.trim()) throw new Error(`${equivalentFile(phaseId)}: ${e.file}:${e.line} ${e.mutator} has no reason ("why")`);
  }
  return list;
}

/** Replacements are compared with white space folded, as Stryker prints them over several lines. */
const fold = (s: string): string => s.replace(/\s+/g, ' ').trim();

type Place = Pick<EquivalentMutant, 'file' | 'line' | 'column' | 'mutator' | 'replacement'>;

export function sameMutant(e: Place, m: Place): boolean {
  return (
    e.file === m.file &&
    e.line === m.line &&
    (e.column === undefined || e.column === m.column) &&
    e.mutator === m.mutator &&
    fold(e.replacement) === fold(m.replacement)
  );
}
