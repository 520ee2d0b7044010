import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { lintShells } from '../src/lint/shell-drift.ts';
import { REPO_ROOT } from '../src/harness/target.ts';

// On a learning branch the solutions are not there (and earlier phases are solved in starter/).
const onLearningBranch = existsSync(path.join(REPO_ROOT, 'lab.json'));

describe.skipIf(onLearningBranch)('shells and solutions agree', () => {
  test('the repository has no drift between starter/ shells and solutions/', () => {
    expect(lintShells()).toEqual([]);
  });
});

describe.skipIf(onLearningBranch)('lintShells catches each kind of drift', () => {
  let tmp = '';
  let before: string[] = [];

  beforeEach(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'ms-shell-drift-'));
    for (const dir of ['starter', 'solutions']) cpSync(path.join(REPO_ROOT, dir), path.join(tmp, dir), { recursive: true });
    // Measured on the copy, so each seed is judged by what it adds, whatever drift the repository has today.
    before = lintShells(tmp);
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  /** Replace `from` (which must be there: a seed that silently does nothing would prove nothing). */
  function edit(rel: string, from: string, to: string): void {
    const file = path.join(tmp, rel);
    const text = readFileSync(file, 'utf8');
    expect(text, `${rel} should contain ${from}`).toContain(from);
    writeFileSync(file, text.replace(from, to));
  }

  /** The one problem the seed added; nothing else may appear or go away. */
  function onlyNewProblem(): string {
    const after = lintShells(tmp);
    expect(before.filter((p) => !after.includes(p))).toEqual([]);
    const added = after.filter((p) => !before.includes(p));
    expect(added).toHaveLength(1);
    return added[0]!;
  }

  test('a changed parameter type in a shell function', () => {
    edit('starter/src/sync/striped-locks.ts', 'export function isPrime(n: number): boolean', 'export function isPrime(n: string): boolean');
    const problem = onlyNewProblem();
    expect(problem).toContain('starter/src/sync/striped-locks.ts and solutions/phase-4/src/sync/striped-locks.ts disagree on isPrime');
    expect(problem).toContain('shell "(n: string): boolean" vs solution "(n: number): boolean"');
  });

  test('an export removed from a shell: one problem, not one per member or doc', () => {
    edit('starter/src/sync/striped-locks.ts', 'export function hashClientId(', 'function hashClientId(');
    const problem = onlyNewProblem();
    expect(problem).toContain('starter/src/sync/striped-locks.ts');
    expect(problem).toContain('disagree on hashClientId: shell (none) vs solution "(clientId: string): number"');
  });

  test('a changed doc comment of an exported class member', () => {
    edit('starter/src/sync/mutex.ts', '/** Take the lock if it is free, without waiting. */', '/** Take the lock, waiting if needed. */');
    const problem = onlyNewProblem();
    expect(problem).toContain('starter/src/sync/mutex.ts and solutions/phase-4/src/sync/mutex.ts disagree on the doc comment of Mutex.tryLock');
    expect(problem).toContain('shell "Take the lock, waiting if needed."');
  });

  test('a stray file in solutions/phase-0/', () => {
    mkdirSync(path.join(tmp, 'solutions/phase-0/src/extra'), { recursive: true });
    writeFileSync(path.join(tmp, 'solutions/phase-0/src/extra/helper.ts'), 'export const x = 1;\n');
    const problem = onlyNewProblem();
    expect(problem).toMatch(/^solutions\/phase-0\/src\/extra\/helper\.ts is not an exercise of phase 0 \(src\/ingest\/validate\.ts, /);
  });

  test('a deleted solution file', () => {
    const rel = 'solutions/phase-4/src/sync/striped-locks.ts';
    rmSync(path.join(tmp, rel));
    // Drift found in that file before is gone with it; nothing else may change.
    before = before.filter((p) => !p.includes(rel));
    const problem = onlyNewProblem();
    expect(problem).toContain(`phase 4: ${rel} is missing`);
  });

  test('no false alarm: bodies, privates, helpers, imports and formatting may differ', () => {
    const rel = 'starter/src/sync/striped-locks.ts';
    edit(rel, "import { todo } from '../lib/todo.ts';", "import { todo } from '../lib/todo.ts';\nimport { readFileSync } from 'node:fs';");
    edit(rel, 'export function isPrime(n: number): boolean {', 'export function isPrime(\n  n:   number,\n): boolean {\n  void readFileSync;');
    edit(rel, 'export class StripedLocks {', 'const helper = 1;\nexport class StripedLocks {\n  #secret = helper;\n  private hidden(): void {}');
    expect(lintShells(tmp)).toEqual(before);
  });
});
