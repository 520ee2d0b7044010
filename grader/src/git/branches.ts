import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { branchName, type PhaseSpec } from '../registry/types.ts';
import { PHASES } from '../registry/index.ts';
import { learnerTsconfig, mutantsDir, type LabMarker } from '../tree/materialize.ts';
import { parseHeader, type StarterFile } from '../tree/levels.ts';
import { renderStarterReadme } from '../docs/starter-readme.ts';

export interface BranchResult {
  branch: string;
  action: 'created' | 'updated' | 'unchanged' | 'skipped';
  commit?: string;
  note?: string;
}

interface TreeEntry {
  mode: string;
  sha: string;
  path: string;
}

/**
 * The environment for plumbing in a private index. simple-git refuses to pass variables that could
 * run other programs (EDITOR, PAGER, GIT_SSH_COMMAND, …); plumbing needs none of them, so drop them.
 */
const UNSAFE_ENV = /^(editor|visual|pager|prefix|ssh_askpass|git_(editor|sequence_editor|pager|askpass|ssh|ssh_command|proxy_command|external_diff|template_dir|exec_path|config.*))$/i;
function plumbingEnv(indexFile: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { GIT_INDEX_FILE: indexFile };
  for (const [k, v] of Object.entries(process.env)) if (!UNSAFE_ENV.test(k) && k !== 'GIT_INDEX_FILE') env[k] = v;
  return env;
}

async function lsTree(git: SimpleGit, rev: string, dir: string): Promise<TreeEntry[]> {
  const out = await git.raw(['ls-tree', '-r', rev, '--', dir]);
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [meta, p] = line.split('\t') as [string, string];
      const [mode, , sha] = meta.split(' ') as [string, string, string];
      return { mode, sha, path: p };
    });
}

async function resolveRef(git: SimpleGit, ref: string): Promise<string | undefined> {
  try {
    return (await git.revparse(['--verify', '--quiet', `${ref}^{commit}`])).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Level and role of every starter/src file at `rev`, from the first line of each (one `git grep`). */
async function starterFilesAt(git: SimpleGit, rev: string): Promise<StarterFile[]> {
  const all = await lsTree(git, rev, 'starter/src');
  const out = await git.raw(['grep', '-n', '-E', '^(//|/\\*|<!--) ?Level [0-9]+ · ', rev, '--', 'starter/src']).catch(() => '');
  const headers = new Map<string, string>();
  for (const line of out.split('\n')) {
    const m = /^[^:]+:(starter\/[^:]+):1:(.*)$/.exec(line);
    if (m) headers.set(m[1]!, m[2]!);
  }
  return all.map((e) => {
    const header = parseHeader(headers.get(e.path) ?? '');
    if (!header) throw new Error(`${e.path} at ${rev.slice(0, 10)} has no level header on its first line (the course lint says how to fix it)`);
    return { file: e.path.slice('starter/'.length), ...header };
  });
}

/**
 * Build the tree of `phase`'s learning branch from commit `base` with git plumbing in a private
 * index: starter/ with the files of levels <= phase, solutions/phase-k/ overlaid for k < phase,
 * a starter/README.md for the phase, no solutions/, no mutants of phases >= this one, and lab.json.
 * The user's working tree and index are never touched.
 */
export async function buildBranchTree(repo: string, base: string, phase: PhaseSpec): Promise<string> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'ms-branch-'));
  const git = simpleGit(repo).env(plumbingEnv(path.join(scratch, 'index')));
  try {
    await git.raw(['read-tree', `${base}^{tree}`]);
    const files = await starterFilesAt(git, base);
    const later = files.filter((f) => f.level > phase.id).map((f) => `starter/${f.file}`);
    if (later.length) await git.raw(['rm', '--cached', '--quiet', '--', ...later]);
    const overlay: string[] = [];
    for (const solved of PHASES.filter((p) => p.id < phase.id)) {
      const dir = `solutions/phase-${solved.id}`;
      for (const e of await lsTree(git, base, dir)) overlay.push('--cacheinfo', `${e.mode},${e.sha},starter/${e.path.slice(dir.length + 1)}`);
    }
    if (overlay.length) await git.raw(['update-index', '--add', ...overlay]);
    await git.raw(['rm', '--cached', '-r', '--quiet', '--ignore-unmatch', 'solutions']);
    for (const later of PHASES.filter((p) => p.id >= phase.id)) {
      await git.raw(['rm', '--cached', '-r', '--quiet', '--ignore-unmatch', mutantsDir(later.id)]);
    }
    const marker: LabMarker = { phase: phase.id, slug: phase.slug };
    const add = async (file: string, text: string): Promise<void> => {
      const scratchFile = path.join(scratch, path.basename(file));
      writeFileSync(scratchFile, text);
      const blob = (await git.raw(['hash-object', '-w', scratchFile])).trim();
      await git.raw(['update-index', '--add', '--cacheinfo', `100644,${blob},${file}`]);
    };
    await add('lab.json', JSON.stringify(marker, null, 2) + '\n');
    await add('starter/README.md', renderStarterReadme(files, phase));
    await add('tsconfig.json', learnerTsconfig(await git.show([`${base}:tsconfig.json`])));
    return (await git.raw(['write-tree'])).trim();
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Create or refresh every learning branch from `from` (default main). Idempotent. */
export async function generateBranches(repo: string, from = 'main'): Promise<BranchResult[]> {
  const git = simpleGit(repo);
  const base = (await resolveRef(git, from)) ?? (await resolveRef(git, 'HEAD'));
  if (!base) throw new Error(`Cannot resolve "${from}": commit something first.`);
  const checkedOut = (await git.raw(['symbolic-ref', '--quiet', '--short', 'HEAD']).catch(() => '')).trim();
  const results: BranchResult[] = [];
  for (const phase of PHASES.filter((p) => p.checks.length > 0)) {
    const branch = branchName(phase);
    if (branch === checkedOut) {
      results.push({ branch, action: 'skipped', note: 'checked out here; switch to another branch to refresh it' });
      continue;
    }
    const tree = await buildBranchTree(repo, base, phase);
    const tip = await resolveRef(git, `refs/heads/${branch}`);
    if (tip && (await git.raw(['rev-parse', `${tip}^{tree}`])).trim() === tree) {
      results.push({ branch, action: 'unchanged', commit: tip });
      continue;
    }
    const message = `Phase ${phase.id}: ${phase.title}\n\nGenerated by npm run branches from ${from} ${base.slice(0, 10)}.`;
    const commit = (await git.raw(['commit-tree', tree, ...(tip ? ['-p', tip] : []), '-m', message])).trim();
    await git.raw(['update-ref', `refs/heads/${branch}`, commit, ...(tip ? [tip] : [])]);
    results.push({ branch, action: tip ? 'updated' : 'created', commit });
  }
  return results;
}

export async function pushBranches(repo: string, remote: string, branches: string[]): Promise<void> {
  if (branches.length) await simpleGit(repo).raw(['push', remote, ...branches.map((b) => `refs/heads/${b}:refs/heads/${b}`)]);
}
