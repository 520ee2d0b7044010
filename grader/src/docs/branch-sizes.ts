import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../harness/target.ts';
import { PHASES, branchName } from '../registry/index.ts';
import { exerciseOwner, filesOfBranch, starterFilesOn } from '../tree/levels.ts';

export interface BranchSize {
  phase: number;
  branch: string;
  files: number;
  lines: number;
  /** Lines of the phase's own exercise shells: what the learner opens to write. */
  exerciseLines: number;
}

const lines = (file: string): number => readFileSync(file, 'utf8').split('\n').length - 1;

/** Files and lines of starter/src on every learning branch, computed from this checkout as the branch generator builds them. */
export function branchSizes(root = REPO_ROOT): BranchSize[] {
  const files = starterFilesOn(path.join(root, 'starter'));
  const owner = exerciseOwner();
  return PHASES.filter((p) => p.checks.length > 0).map((p) => {
    const onBranch = filesOfBranch(files, p.id);
    const size = (file: string): number => {
      const phase = owner.get(file);
      const solved = phase !== undefined && phase < p.id ? path.join(root, 'solutions', `phase-${phase}`, file) : undefined;
      return lines(solved && existsSync(solved) ? solved : path.join(root, 'starter', file));
    };
    return {
      phase: p.id,
      branch: branchName(p),
      files: onBranch.length,
      lines: onBranch.reduce((sum, f) => sum + size(f.file), 0),
      exerciseLines: p.exercises.reduce((sum, e) => sum + size(e), 0),
    };
  });
}
