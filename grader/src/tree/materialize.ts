import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PHASES, type PhaseSpec } from '../registry/index.ts';
import { REPO_ROOT } from '../harness/target.ts';
import { renderStarterReadme } from '../docs/starter-readme.ts';
import { starterFilesOn } from './levels.ts';

/** Which version of a phase's exercise files a tree holds. */
export type Variant = { kind: 'solution' } | { kind: 'stub' } | { kind: 'mutant'; name: string };

export const variantLabel = (v: Variant): string => (v.kind === 'mutant' ? `mutant ${v.name}` : v.kind);

/** The lab marker a learning branch carries at its root; the service and the grader read it. */
export interface LabMarker {
  phase: number;
  slug: string;
}

export const solutionDir = (phaseId: number): string => `solutions/phase-${phaseId}`;
/** Mutants of a phase live here, one unified diff per mutant against the solved tree's starter/. */
export const mutantsDir = (phaseId: number): string => `grader/mutants/phase-${phaseId}`;
export const mutantPatch = (phaseId: number, name: string): string => `${mutantsDir(phaseId)}/${name}.patch`;

/** Phases whose reference solutions are overlaid for `variant` of `phase`. */
export function solvedPhases(phase: PhaseSpec, variant: Variant): PhaseSpec[] {
  return PHASES.filter((p) => p.id < phase.id || (p.id === phase.id && variant.kind !== 'stub'));
}

/**
 * Build a gradable tree in a temporary folder from this checkout's files, shaped as the phase's
 * learning branch: starter/ with the files of levels <= the phase, the solutions of the solved
 * phases (and a mutant) overlaid, plus lab.json, package.json and a node_modules link. Used by
 * `npm run verify` and by maintainers to try a phase by hand.
 */
export function materialize(
  phase: PhaseSpec,
  variant: Variant,
  root = REPO_ROOT,
  opts: { out?: string; marker?: boolean } = {},
): string {
  const out = opts.out ?? mkdtempSync(path.join(os.tmpdir(), `ms-tree-${phase.id}-`));
  if (opts.out) {
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
  }
  cpSync(path.join(root, 'starter'), path.join(out, 'starter'), { recursive: true });
  for (const p of solvedPhases(phase, variant)) {
    const dir = path.join(root, solutionDir(p.id));
    if (existsSync(dir)) cpSync(dir, path.join(out, 'starter'), { recursive: true });
  }
  const starter = path.join(out, 'starter');
  pruneLaterLevels(starter, phase.id);
  writeFileSync(path.join(starter, 'README.md'), renderStarterReadme(starterFilesOn(starter), opts.marker === false ? undefined : phase));
  if (variant.kind === 'mutant') applyMutant(out, phase.id, variant.name, root);
  cpSync(path.join(root, 'package.json'), path.join(out, 'package.json'));
  const tsconfig = readFileSync(path.join(root, 'tsconfig.json'), 'utf8');
  writeFileSync(path.join(out, 'tsconfig.json'), opts.marker === false ? tsconfig : learnerTsconfig(tsconfig));
  if (opts.marker !== false) {
    const marker: LabMarker = { phase: phase.id, slug: phase.slug };
    writeFileSync(path.join(out, 'lab.json'), JSON.stringify(marker, null, 2) + '\n');
  }
  linkNodeModules(out, root);
  return out;
}

/**
 * A learning branch's tsconfig.json: the learner's project is starter/. The grader, its tests and the
 * finished service's tests and benchmarks import files of every level; main type-checks them.
 */
export function learnerTsconfig(mainTsconfig: string): string {
  const config = JSON.parse(mainTsconfig) as { include?: string[] };
  return JSON.stringify({ ...config, include: ['starter/**/*.ts'] }, null, 2) + '\n';
}

/** Remove the files of levels after `phase` (their header says so) and the folders left empty. */
function pruneLaterLevels(starter: string, phase: number): void {
  for (const f of starterFilesOn(starter)) if (f.level > phase) rmSync(path.join(starter, f.file));
  const prune = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) prune(path.join(dir, e.name));
    if (readdirSync(dir).length === 0) rmdirSync(dir);
  };
  prune(path.join(starter, 'src'));
}

/**
 * The finished service: starter/ with the solution of every complete phase overlaid (main's starter/
 * holds only stubs). What `npm start` runs on main and what the service tests exercise; no lab.json,
 * so it runs at the final level.
 */
export function materializeReference(out?: string): string {
  const last = PHASES.filter((p) => p.checks.length > 0).at(-1)!;
  return materialize(last, { kind: 'solution' }, REPO_ROOT, { ...(out ? { out } : {}), marker: false });
}

/**
 * A mutant is a small unified diff (the bug, readable as a diff) applied to the solved tree's starter/.
 * A patch that no longer applies means the solution moved on: regenerate the mutant.
 */
export function applyMutant(tree: string, phaseId: number, name: string, root = REPO_ROOT): void {
  const patch = path.join(root, mutantPatch(phaseId, name));
  if (!existsSync(patch)) throw new Error(`mutant ${mutantPatch(phaseId, name)} does not exist`);
  try {
    execFileSync('git', ['apply', '--whitespace=nowarn', patch], { cwd: path.join(tree, 'starter'), stdio: 'pipe' });
  } catch (err) {
    const why = (err as { stderr?: Buffer }).stderr?.toString().trim() ?? String(err);
    throw new Error(`mutant ${mutantPatch(phaseId, name)} no longer applies to the reference solution — regenerate it (docs/ADDING_A_PHASE.md):\n${why}`);
  }
}

/** A worktree or temp tree has no node_modules of its own: borrow the grader's. */
export function linkNodeModules(tree: string, root = REPO_ROOT): void {
  const link = path.join(tree, 'node_modules');
  if (!existsSync(link)) symlinkSync(path.join(root, 'node_modules'), link, 'dir');
}

export function removeTree(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
