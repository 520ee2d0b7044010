import { spawnSync, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/harness/target.ts';
import { sandboxState } from '../src/run/sandbox.ts';

// A learner's tree that tries every trick to forge its grade (fixtures/hostile/hostile.ts, imported
// by phase 0's first exercise, left a stub). It is graded for real, in a copy of this checkout
// (a trick that worked must not damage the real one), and it must never be "done" nor leave anything
// changed or running. Without bubblewrap, only what the grader guarantees without a sandbox is checked.

const sandbox = sandboxState();
const ORPHAN = 'ms-hostile-orphan';
let copy: string;
let githubOutput: string;
let run: ReturnType<typeof spawnSync>;
let testsBefore: string;
let reportAfterGrade: string | undefined;

const hashTests = (root: string): string => {
  const h = createHash('sha256');
  for (const phase of ['phase-0', 'phase-1']) {
    const dir = path.join(root, 'grader/tests', phase);
    for (const f of readdirSync(dir).sort()) if (f.endsWith('.ts')) h.update(f).update(readFileSync(path.join(dir, f)));
  }
  return h.digest('hex');
};
const orphans = (): string[] =>
  readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(ORPHAN);
      } catch {
        return false;
      }
    });
const killOrphans = (): void => {
  for (const pid of orphans()) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // gone already
    }
  }
};

// Without the sandbox, the tricks that only it stops (rewriting the tests, an orphan) would work: the
// grade of such a tree means nothing, which is what the report then says ("not sandboxed").
// The environment and the result channel are also tested without it, in runner.test.ts.
describe.skipIf(sandbox.kind !== 'bubblewrap')(
  `a learner tree that tries to forge its grade (sandbox: ${sandbox.kind === 'bubblewrap' ? 'bubblewrap' : `none, skipped: ${sandbox.why}`})`,
  () => {
    beforeAll(() => {
      copy = mkdtempSync(path.join(os.tmpdir(), 'ms-hostile-'));
      // The working tree's files, committed or not (so what is tested is the grader as it stands).
      const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO_ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
      for (const f of files) if (existsSync(path.join(REPO_ROOT, f))) cpSync(path.join(REPO_ROOT, f), path.join(copy, f));
      symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
      cpSync(path.join(REPO_ROOT, 'grader/unit/fixtures/hostile/hostile.ts'), path.join(copy, 'starter/src/hostile.ts'));
      const exercise = path.join(copy, 'starter/src/ingest/validate.ts');
      writeFileSync(exercise, `import '../hostile.ts';\n${readFileSync(exercise, 'utf8')}`);
      mkdirSync(path.join(copy, '.grade'), { recursive: true });
      githubOutput = path.join(copy, 'github-output');
      writeFileSync(githubOutput, 'before\n');
      testsBefore = hashTests(copy);

      run = spawnSync(process.execPath, ['--import', 'tsx', 'grader/src/cli/grade.ts', '--phase', '0'], {
        cwd: copy,
        encoding: 'utf8',
        timeout: 240_000,
        env: { ...process.env, GITHUB_OUTPUT: githubOutput, GITHUB_ENV: githubOutput, CI: 'true', MS_SANDBOX: undefined },
      });
      const report = path.join(copy, '.grade/report.json');
      if (!existsSync(report)) throw new Error(`the grade wrote no report (exit ${run.status}): ${String(run.stderr).slice(-2000)}`);
      reportAfterGrade = readFileSync(report, 'utf8');
    }, 300_000);
    afterAll(() => {
      killOrphans();
      rmSync(copy, { recursive: true, force: true });
    });
    it('is not done: the grade fails, its report says so, and no forged line reaches the grader output', () => {
      expect(run.status, String(run.stderr)).toBe(1);
      const report = JSON.parse(reportAfterGrade!) as { status: string; forged?: string; checks: { id: string; status: string }[] };
      expect(report.forged).toBeUndefined();
      expect(report.status).not.toBe('pass');
      expect(report.checks.filter((c) => c.status === 'pass').map((c) => c.id)).toEqual([]);
      expect(String(run.stdout)).not.toMatch(/FORGED/);
    });

    it('cannot write the workflow outputs: GITHUB_OUTPUT and GITHUB_ENV never reach its code', () => {
      expect(readFileSync(githubOutput, 'utf8')).toBe('before\n');
    });

    it('cannot rewrite the graded tests, nor the report after the grade, nor leave a process behind', { timeout: 15_000 }, async () => {
      expect(hashTests(copy)).toBe(testsBefore);
      await new Promise((r) => setTimeout(r, 4_000)); // the orphan would rewrite the report after 3 s
      expect(orphans()).toEqual([]);
      expect(readFileSync(path.join(copy, '.grade/report.json'), 'utf8')).toBe(reportAfterGrade);
    });
  },
);
