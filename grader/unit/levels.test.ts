import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { affectsGrade } from '../src/cli/watch.ts';
import { REPO_ROOT } from '../src/harness/target.ts';
import { PHASES } from '../src/registry/index.ts';
import { lintLevels, listStarterFiles, parseHeader } from '../src/tree/levels.ts';
import { materialize, removeTree } from '../src/tree/materialize.ts';

// A file's level and role are stated once, in its first line; the lint, the branch generator and
// watch mode all read it. On a learning branch only that branch's files exist: nothing to check.
const onLearningBranch = existsSync(path.join(REPO_ROOT, 'lab.json'));
const gradable = PHASES.filter((p) => p.checks.length > 0);

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) removeTree(d);
  dirs = [];
});

/** A copy of starter/ and solutions/ to seed one drift into. */
function copy(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'ms-levels-'));
  dirs.push(root);
  cpSync(path.join(REPO_ROOT, 'starter'), path.join(root, 'starter'), { recursive: true });
  cpSync(path.join(REPO_ROOT, 'solutions'), path.join(root, 'solutions'), { recursive: true });
  return root;
}
const edit = (root: string, file: string, change: (text: string) => string) => {
  const abs = path.join(root, 'starter', file);
  const before = readFileSync(abs, 'utf8');
  const after = change(before);
  expect(after, `the seed must change ${file}`).not.toBe(before);
  writeFileSync(abs, after);
};

describe.skipIf(onLearningBranch)('levels of the starter files', () => {
  test('every starter/src file declares a level and a role, and they agree with what the service runs', () => {
    expect(lintLevels()).toEqual([]);
  });

  test('a file without a header is named', () => {
    const root = copy();
    edit(root, 'src/http/reply.ts', (t) => t.slice(t.indexOf('\n') + 1));
    expect(lintLevels(root)).toEqual([expect.stringContaining('starter/src/http/reply.ts has no level header')]);
  });

  test('a level-0 file that imports a later level is refused: its branch would not have the import', () => {
    const root = copy();
    edit(root, 'src/http/reply.ts', (t) => `${t}import '../storage/threaded-writer.ts';\n`);
    expect(lintLevels(root)).toContainEqual(expect.stringContaining('starter/src/http/reply.ts (level 0) imports src/storage/threaded-writer.ts (level 7)'));
  });

  test('a level declared later than the first level that runs the file is refused (the branch would miss it)', () => {
    const root = copy();
    edit(root, 'src/http/reply.ts', (t) => t.replace('// Level 0 ·', '// Level 2 ·'));
    expect(lintLevels(root)).toContainEqual(expect.stringContaining('starter/src/http/reply.ts says level 2, but the service first runs it at level 0'));
  });

  test('"test support" the service runs, and "provided" nothing runs, are both refused', () => {
    const root = copy();
    edit(root, 'src/http/reply.ts', (t) => t.replace('provided: read it, don\'t change it.', 'test support: x'));
    writeFileSync(path.join(root, 'starter/src/http/unused.ts'), "// Level 0 · provided: read it, don't change it.\nexport const x = 1;\n");
    const problems = lintLevels(root);
    expect(problems).toContainEqual(expect.stringContaining('starter/src/http/reply.ts says "test support", but the service runs it from level 0'));
    expect(problems).toContainEqual(expect.stringContaining('starter/src/http/unused.ts says "provided", but no level of the service runs it'));
  });

  test("the service's last level is the registry's last phase, and every level has its wiring module", () => {
    const root = copy();
    edit(root, 'src/config.ts', (t) => t.replace('export const FINAL_LEVEL = 7;', 'export const FINAL_LEVEL = 6;'));
    rmSync(path.join(root, 'starter/src/levels/level-5.ts'));
    const problems = lintLevels(root);
    expect(problems).toContainEqual(expect.stringContaining('starter/src/config.ts must say FINAL_LEVEL = 7'));
    expect(problems).toContainEqual(expect.stringContaining('starter/src/levels/level-5.ts is missing'));
  });

  test("an exercise's header must name its phase", () => {
    const root = copy();
    edit(root, 'src/ingest/validate.ts', (t) => t.replace('exercise of phase 0', 'exercise of phase 1').replace('// Level 0', '// Level 1'));
    expect(lintLevels(root)).toContainEqual(expect.stringContaining('starter/src/ingest/validate.ts is an exercise of phase 0'));
  });

  test.each(gradable.map((p) => [p.id, p] as const))('the tree of phase %i holds levels 0..%i only, with no other phase\'s stubs', (_id, phase) => {
    const tree = materialize(phase, { kind: 'stub' });
    dirs.push(tree);
    const starter = path.join(tree, 'starter');
    const files = listStarterFiles(starter);
    for (const f of files) {
      const text = readFileSync(path.join(starter, f), 'utf8');
      expect(parseHeader(text)!.level, f).toBeLessThanOrEqual(phase.id);
      for (const m of text.matchAll(/TODO\(phase-(\d+)\)/g)) expect(Number(m[1]), `${f} holds ${m[0]}`).toBe(phase.id);
    }
    for (const ex of phase.exercises) expect(files).toContain(ex);
    const readme = readFileSync(path.join(starter, 'README.md'), 'utf8');
    for (const ex of phase.exercises) expect(readme).toContain(`| \`${ex}\` | ${phase.id} | yours this phase |`);
    expect(readdirSync(path.join(starter, 'src')).length).toBeGreaterThan(0);
  });
});

describe('watch mode re-grades on the files of the phase only', () => {
  test("a change to the phase's levels or to a file the learner added counts; a later level's file, the README or a swap file does not", () => {
    const starter = path.join(copy(), 'starter');
    writeFileSync(path.join(starter, 'src/mine.ts'), 'export const helper = 1;\n');
    expect(affectsGrade(starter, 'src/ingest/validate.ts', 0)).toBe(true);
    expect(affectsGrade(starter, 'src/mine.ts', 0)).toBe(true);
    expect(affectsGrade(starter, 'src/storage/threaded-writer.ts', 0)).toBe(false);
    expect(affectsGrade(starter, 'src/storage/threaded-writer.ts', 7)).toBe(true);
    expect(affectsGrade(starter, 'README.md', 0)).toBe(false);
    expect(affectsGrade(starter, 'src/ingest/.validate.ts.swp', 0)).toBe(false);
    rmSync(path.join(starter, 'src/mine.ts'));
    expect(affectsGrade(starter, 'src/mine.ts', 0), 'a deleted file changes the tree').toBe(true);
  });
});
