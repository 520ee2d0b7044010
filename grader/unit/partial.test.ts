import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { REPO_ROOT } from '../src/harness/target.ts';
import type { PhaseSpec } from '../src/registry/types.ts';
import { toHistoryEntry } from '../src/report/files.ts';
import { gradeTree } from '../src/run/grade-tree.ts';

// A run that leaves checks out says so, and is never recorded as the phase done.
const fixture = (id: string) => ({ id, title: id, file: `grader/unit/fixtures/checks/${id}.check.ts`, hint: 'h', anchor: '#a', deadlineMs: 30_000 });
const phase: PhaseSpec = {
  id: 0,
  slug: 'poc',
  title: 'fixture phase',
  summary: '',
  estimate: '',
  prerequisites: [],
  lesson: 'docs/x.md',
  exercises: [],
  checks: [fixture('pass'), fixture('fail')],
  perf: [{ id: 'speed', title: 'speed', file: 'grader/perf/none.ts', hint: 'h', anchor: '#p' }],
  mutants: [],
};

describe('partial runs', () => {
  test('--only and --skip-perf make a partial report whose history entry is marked partial', async () => {
    const r = await gradeTree({ phase, target: REPO_ROOT, seed: 1, only: ['pass', 'speed'], perf: false, typecheck: false });
    expect(r.status).toBe('pass');
    expect(r.partial).toEqual({ notRun: ['fail', 'speed'] });
    expect(toHistoryEntry(r).partial).toBe(true);
  });

  test('perf skipped because correctness failed is a full verdict, not a partial run', async () => {
    const r = await gradeTree({ phase, target: REPO_ROOT, seed: 1, typecheck: false });
    expect(r.status).toBe('fail');
    expect(r.partial).toBeUndefined();
  });

  test('an unknown --only id is a usage error that names the phase’s checks', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'grader/src/cli/grade.ts'), '--phase', '0', '--only', 'nope'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--only names no check of phase 0: nope');
    expect(run.stderr).toContain('validation');
  });
});
