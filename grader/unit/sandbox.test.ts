import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeSandbox, sandboxed, sandboxState } from '../src/run/sandbox.ts';

// What learner code sees inside the sandbox, checked from inside with a real bubblewrap.
const state = sandboxState();

describe.skipIf(state.kind !== 'bubblewrap')(`the sandbox (${describeSandbox(state)})`, () => {
  let tree: string;
  let modules: string;
  let work: string;
  let outside: string;
  beforeAll(() => {
    // A tree whose node_modules is a link to a link, both under /tmp, as a mutation sandbox's is.
    tree = mkdtempSync(path.join(os.tmpdir(), 'ms-sbx-tree-'));
    modules = mkdtempSync(path.join(os.tmpdir(), 'ms-sbx-modules-'));
    const middle = mkdtempSync(path.join(os.tmpdir(), 'ms-sbx-middle-'));
    mkdirSync(path.join(modules, 'node_modules'));
    writeFileSync(path.join(modules, 'node_modules', 'dep.txt'), 'dep');
    symlinkSync(path.join(modules, 'node_modules'), path.join(middle, 'node_modules'));
    symlinkSync(path.join(middle, 'node_modules'), path.join(tree, 'node_modules'));
    writeFileSync(path.join(tree, 'graded.test.ts'), 'original');
    work = mkdtempSync(path.join(os.tmpdir(), 'ms-sbx-work-'));
    outside = mkdtempSync(path.join(os.tmpdir(), 'ms-sbx-outside-'));
  });
  afterAll(() => {
    for (const dir of [tree, modules, work, outside]) rmSync(dir, { recursive: true, force: true });
  });

  /** Run a line of JavaScript in the sandbox; its stdout. */
  const inside = (js: string): string => {
    const { cmd, args } = sandboxed(process.execPath, ['-e', js], tree, { readOnly: [tree], writable: [work] });
    const run = spawnSync(cmd, args, { cwd: tree, encoding: 'utf8', timeout: 20_000 });
    if (run.status !== 0) throw new Error(`sandboxed run failed (${run.status}): ${run.stderr}`);
    return run.stdout.trim();
  };
  const tryWrite = (file: string) => `try { require('fs').writeFileSync(${JSON.stringify(file)}, 'x'); console.log('written') } catch (e) { console.log(e.code) }`;

  it('shows the tree read-only, with its node_modules links resolving through other folders under /tmp', () => {
    expect(inside(`console.log(require('fs').readFileSync('node_modules/dep.txt', 'utf8'))`)).toBe('dep');
    expect(inside(tryWrite(path.join(tree, 'graded.test.ts')))).toBe('EROFS');
    expect(readFileSync(path.join(tree, 'graded.test.ts'), 'utf8')).toBe('original');
  });

  it('lets it write its work folder and a /tmp of its own, and nothing else of /tmp is there', () => {
    expect(inside(tryWrite(path.join(work, 'progress')))).toBe('written');
    expect(readFileSync(path.join(work, 'progress'), 'utf8')).toBe('x');
    expect(inside(`${tryWrite('/tmp/private')}; console.log(require('fs').existsSync(${JSON.stringify(outside)}))`)).toBe('written\nfalse');
  });

  it("gives it processes of its own: the grader's are not in its /proc", () => {
    expect(Number(inside('console.log(process.pid)'))).toBeLessThan(10);
    expect(inside(`console.log(require('fs').existsSync('/proc/${process.pid}/fd/1'))`)).toBe('false');
  });
});
