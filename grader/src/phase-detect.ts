import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { findPhase, PHASES, type PhaseSpec } from './registry/index.ts';
import { GraderError } from './errors.ts';
import type { LabMarker } from './tree/materialize.ts';

const BRANCH_RE = /^learning\/phase-(\d+)-/;

/** The lab marker (`lab.json`) of a tree, if it is a learning branch's tree. */
export function readLabMarker(tree: string): LabMarker | undefined {
  const file = path.join(tree, 'lab.json');
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as LabMarker;
}

export function phaseFromBranch(branch: string | undefined): number | undefined {
  const m = branch ? BRANCH_RE.exec(branch) : null;
  return m ? Number(m[1]) : undefined;
}

export async function currentBranch(repo: string): Promise<string | undefined> {
  try {
    const name = (await simpleGit(repo).raw(['symbolic-ref', '--quiet', '--short', 'HEAD'])).trim();
    return name || undefined;
  } catch {
    return undefined;
  }
}

/** --phase wins; then the graded tree's lab.json; then the branch name. */
export function resolvePhase(flag: string | undefined, marker: LabMarker | undefined, branch: string | undefined): PhaseSpec {
  const raw = flag ?? marker?.phase?.toString() ?? phaseFromBranch(branch)?.toString();
  if (raw === undefined) throw GraderError.noPhase(branch);
  const phase = /^\d+$/.test(raw) ? findPhase(Number(raw)) : PHASES.find((p) => p.slug === raw);
  if (!phase) throw GraderError.unknownPhase(raw);
  if (phase.checks.length === 0) throw GraderError.notGradable(phase.id);
  return phase;
}
