import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { generateBranches } from '../src/git/branches.ts';
import { PHASES, branchName } from '../src/registry/index.ts';
import { REPO_ROOT } from '../src/harness/target.ts';
import type { GradeReport } from '../src/report/model.ts';
import { parseHeader } from '../src/tree/levels.ts';

/** The line where the service says it listens (or all it printed instead), then it is stopped. */
function listeningLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve) => {
    let out = '';
    const done = (text: string) => {
      child.kill('SIGKILL');
      resolve(text);
    };
    const timer = setTimeout(() => done(`no output in 20 s: ${out}`), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('MetricStream listening'));
      if (line) {
        clearTimeout(timer);
        done(line);
      }
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', () => {
      clearTimeout(timer);
      done(out);
    });
  });
}

// Branch generation and --branch grading, end to end, in a fresh clone of this repository's HEAD.
const gradable = PHASES.filter((p) => p.checks.length > 0);
let clone: string;
const git = (...args: string[]) => execFileSync('git', args, { cwd: clone, encoding: 'utf8' });
const show = (branch: string, file: string) => git('show', `${branch}:${file}`);

beforeAll(() => {
  clone = mkdtempSync(path.join(os.tmpdir(), 'ms-clone-'));
  execFileSync('git', ['clone', '--quiet', REPO_ROOT, clone]);
  git('checkout', '--quiet', '-B', 'main');
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(clone, 'node_modules'), 'dir');
});
afterAll(() => rmSync(clone, { recursive: true, force: true }));

// Branches are generated from main; a learning branch has no solutions to build them from.
describe.runIf(gradable.length > 0 && !existsSync(path.join(REPO_ROOT, 'lab.json')))('npm run branches', () => {
  test('creates every learning branch without touching the checkout, and is idempotent', async () => {
    const head = git('rev-parse', 'HEAD');
    const first = await generateBranches(clone);
    expect(first.map((r) => r.branch)).toEqual(gradable.map(branchName));
    expect(first.every((r) => r.action === 'created')).toBe(true);
    expect(git('rev-parse', 'HEAD')).toBe(head);
    expect(git('status', '--porcelain')).toBe('');
    const again = await generateBranches(clone);
    expect(again.every((r) => r.action === 'unchanged')).toBe(true);
  });

  test('phase N: stubs for phase N, solutions of earlier phases overlaid, no solutions shipped', () => {
    for (const phase of gradable) {
      const branch = branchName(phase);
      expect(JSON.parse(show(branch, 'lab.json'))).toEqual({ phase: phase.id, slug: phase.slug });
      expect(git('ls-tree', '-r', '--name-only', branch, 'solutions')).toBe('');
      for (const ex of phase.exercises) expect(show(branch, `starter/${ex}`)).toBe(show('main', `starter/${ex}`));
      for (const earlier of gradable.filter((p) => p.id < phase.id)) {
        for (const ex of earlier.exercises) expect(show(branch, `starter/${ex}`)).toBe(show('main', `solutions/phase-${earlier.id}/${ex}`));
      }
    }
  });

  test('phase N holds the files of levels 0..N only: no other phase\'s TODO, no later level\'s file, a README of its files', () => {
    for (const phase of gradable) {
      const branch = branchName(phase);
      const files = git('ls-tree', '-r', '--name-only', branch, 'starter/src').trim().split('\n');
      for (const f of files) {
        const text = show(branch, f);
        expect(parseHeader(text)?.level, `${branch}:${f}`).toBeLessThanOrEqual(phase.id);
        for (const m of text.matchAll(/TODO\(phase-(\d+)\)/g)) expect(Number(m[1]), `${branch}:${f} holds ${m[0]}`).toBe(phase.id);
      }
      const readme = show(branch, 'starter/README.md');
      for (const ex of phase.exercises) expect(readme).toContain(`| \`${ex}\` | ${phase.id} | yours this phase |`);
    }
  });

  test('the service starts on every learning branch, at the branch\'s level', async () => {
    for (const phase of gradable) {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'ms-branch-run-'));
      try {
        execFileSync('sh', ['-c', `git -C "${clone}" archive ${branchName(phase)} | tar -x -C "${dir}"`]);
        symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
        const line = await listeningLine(spawn(process.execPath, ['--import', 'tsx', 'starter/src/main.ts', '--port', '0', '--data-file', path.join(dir, 'm.jsonl')], { cwd: dir }));
        const tsc = spawnSync(process.execPath, [path.join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit'], { cwd: dir, encoding: 'utf8' });
        expect(tsc.stdout, `npm run typecheck on ${branchName(phase)}`).toBe('');
        expect(line, branchName(phase)).toMatch(new RegExp(`^MetricStream listening on http://127\\.0\\.0\\.1:\\d+ \\(level ${phase.id}\\)`));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  test('grade --branch grades that branch in a temporary worktree and leaves the checkout alone', () => {
    const phase = gradable[0]!;
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'grader/src/cli/grade.ts', '--branch', branchName(phase), '--skip-perf', '--json'], {
      cwd: clone,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(run.status, run.stderr).toBe(1);
    const report = JSON.parse(run.stdout) as GradeReport;
    expect(report.branch).toBe(branchName(phase));
    expect(report.checks.filter((c) => c.kind === 'correctness').every((c) => c.reason === 'todo')).toBe(true);
    expect(git('status', '--porcelain')).toBe('');
    expect(git('worktree', 'list').trim().split('\n')).toHaveLength(1);
  });

  test('a branch that does not exist is a clear error', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'grader/src/cli/grade.ts', '--branch', 'learning/phase-9-nope'], { cwd: clone, encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('Branch "learning/phase-9-nope" not found. Learning branches here:');
  });
});
