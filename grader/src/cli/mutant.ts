import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { findPhase } from '../registry/index.ts';
import { REPO_ROOT } from '../harness/target.ts';
import { materialize, mutantPatch, removeTree } from '../tree/materialize.ts';
import { parseFlags } from './args.ts';

/**
 * `npm run mutant -- --phase 3 --name eager-offset --tree <dir>`: record the bug you made in a tree from
 * `npm run tree -- --phase 3` as grader/mutants/phase-3/eager-offset.patch (a diff against the solution).
 */
const USAGE = 'Usage: npm run mutant -- --phase N --name <kebab-name> --tree <a tree from npm run tree, with the bug in it>';
const { values } = parseFlags({ options: { phase: { type: 'string' }, name: { type: 'string' }, tree: { type: 'string' } } }, USAGE);
const phase = findPhase(Number(values.phase));
if (!phase || !values.name || !values.tree || !existsSync(path.join(values.tree, 'starter'))) {
  console.error(USAGE);
  process.exit(2);
}
const fresh = materialize(phase, { kind: 'solution' });
try {
  const files = readdirSync(path.join(values.tree, 'starter'), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(path.join(values.tree!, 'starter'), path.join(e.parentPath, e.name)));
  let patch = '';
  for (const rel of files.sort()) {
    const before = path.join(fresh, 'starter', rel);
    const after = path.join(values.tree, 'starter', rel);
    if (existsSync(before) && readFileSync(before, 'utf8') === readFileSync(after, 'utf8')) continue;
    const diff = spawnSync('diff', ['-u', '--label', `a/${rel}`, '--label', `b/${rel}`, existsSync(before) ? before : '/dev/null', after], { encoding: 'utf8' });
    patch += diff.stdout;
  }
  if (!patch) {
    console.error('The tree does not differ from the reference solution: make the bug first.');
    process.exit(2);
  }
  const out = path.join(REPO_ROOT, mutantPatch(phase.id, values.name));
  writeFileSync(out, patch);
  console.log(`wrote ${path.relative(REPO_ROOT, out)}; now add { name: '${values.name}', bug, failsChecks, messageIncludes } to the phase's mutants`);
} finally {
  removeTree(fresh);
}
