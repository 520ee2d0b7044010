import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { linkNodeModules } from '../tree/materialize.ts';
import { GraderError } from '../errors.ts';

export interface Worktree {
  dir: string;
  /** Remove the worktree; safe to call twice, also from a signal handler (synchronous). */
  remove(): void;
}

/**
 * Check `branch` out into a temporary, detached git worktree. The learner's own working tree,
 * index and uncommitted work are never touched.
 */
export async function addWorktree(repo: string, branch: string): Promise<Worktree> {
  const git = simpleGit(repo);
  // `rev-parse --verify --quiet` prints nothing (and may not fail through simple-git) for a missing ref.
  const sha = (await git.raw(['rev-parse', '--verify', '--quiet', `${branch}^{commit}`]).catch(() => '')).trim();
  if (!sha) {
    const local = (await git.branchLocal()).all.filter((b) => b.startsWith('learning/'));
    throw GraderError.branchNotFound(branch, local);
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ms-worktree-'));
  await git.raw(['worktree', 'add', '--detach', dir, branch]);
  linkNodeModules(dir, repo);
  let removed = false;
  return {
    dir,
    remove() {
      if (removed) return;
      removed = true;
      try {
        execFileSync('git', ['worktree', 'remove', '--force', dir], { cwd: repo, stdio: 'ignore' });
      } catch {
        rmSync(dir, { recursive: true, force: true });
        execFileSync('git', ['worktree', 'prune'], { cwd: repo, stdio: 'ignore' });
      }
    },
  };
}
