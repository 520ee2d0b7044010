import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PHASES } from './registry/index.ts';
import type { PhaseSpec } from './registry/types.ts';
import { REPO_ROOT } from './harness/target.ts';
import { mutantPatch, solutionDir } from './tree/materialize.ts';
import { lintLevels, listStarterFiles, starterFilesOn } from './tree/levels.ts';
import { lintShells } from './lint/shell-drift.ts';
import { generatedDocs } from './docs/generated.ts';

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const m of markdown.matchAll(/^#{1,6}\s+(.+)$/gm)) {
    anchors.add(
      m[1]!
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-'),
    );
  }
  return anchors;
}

/**
 * The course checks itself (as Rustlings does): every problem found, each saying how to fix it.
 * An empty list means the registry, lessons, stubs, solutions and mutants agree.
 */
export function lintPhase(phase: PhaseSpec, root = REPO_ROOT): string[] {
  const problems: string[] = [];
  const where = `phase ${phase.id} (${phase.slug})`;
  const file = (rel: string) => path.join(root, rel);
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(phase.slug)) problems.push(`${where}: slug must be kebab-case`);
  if (!existsSync(file(phase.lesson))) {
    problems.push(`${where}: lesson ${phase.lesson} is missing — write it (see docs/ADDING_A_PHASE.md)`);
    return problems;
  }
  const anchors = headingAnchors(readFileSync(file(phase.lesson), 'utf8'));
  const ids = new Set<string>();
  for (const c of [...phase.checks, ...phase.perf]) {
    if (ids.has(c.id)) problems.push(`${where}: check id "${c.id}" is used twice`);
    ids.add(c.id);
    if (!c.hint.trim()) problems.push(`${where}: check "${c.id}" needs a hint — every failure must tell the learner where to look`);
    if (!existsSync(file(c.file))) problems.push(`${where}: check "${c.id}" points to ${c.file}, which does not exist`);
    if (!c.anchor.startsWith('#') || !anchors.has(c.anchor.slice(1)))
      problems.push(`${where}: check "${c.id}" links ${phase.lesson}${c.anchor}, but the lesson has no such heading`);
  }
  for (const ex of phase.exercises) {
    const stub = file(path.join('starter', ex));
    const solution = file(path.join(solutionDir(phase.id), ex));
    if (!existsSync(stub)) problems.push(`${where}: exercise starter/${ex} is missing`);
    else if (!readFileSync(stub, 'utf8').includes(`todo(${phase.id},`))
      problems.push(`${where}: starter/${ex} has no todo(${phase.id}, …) stub — an exercise file must start unsolved`);
    if (!existsSync(solution)) problems.push(`${where}: the reference ${solutionDir(phase.id)}/${ex} is missing`);
    else if (/\btodo\(\d+,/.test(readFileSync(solution, 'utf8'))) problems.push(`${where}: the reference ${solutionDir(phase.id)}/${ex} still calls todo()`);
  }
  for (const m of phase.mutants) {
    if (!existsSync(file(mutantPatch(phase.id, m.name)))) problems.push(`${where}: mutant ${mutantPatch(phase.id, m.name)} is missing`);
    for (const id of m.failsChecks) if (!ids.has(id)) problems.push(`${where}: mutant "${m.name}" names unknown check "${id}"`);
    if (!m.messageIncludes.trim()) problems.push(`${where}: mutant "${m.name}" needs messageIncludes, the words the failure must show`);
  }
  if (phase.checks.length > 0 && phase.mutants.length === 0) problems.push(`${where}: add at least one mutant, a realistic wrong implementation the grader must catch`);
  return problems;
}

export function lintCourse(root = REPO_ROOT): string[] {
  const problems: string[] = [];
  PHASES.forEach((p, i) => {
    if (p.id !== i) problems.push(`phase ids must run 0, 1, 2, … in order; found ${p.id} at position ${i}`);
  });
  const owners = new Map<string, number>();
  for (const p of PHASES) {
    for (const ex of p.exercises) {
      const other = owners.get(ex);
      if (other !== undefined) problems.push(`starter/${ex} belongs to phase ${other} and phase ${p.id}; every exercise file belongs to one phase`);
      owners.set(ex, p.id);
    }
    if (p.checks.length > 0) problems.push(...lintPhase(p, root));
  }
  problems.push(...lintLevels(root), ...lintShells(root), ...lintLessonPaths(root));
  for (const { file: doc, text } of generatedDocs(root)) {
    if (!existsSync(path.join(root, doc)) || readFileSync(path.join(root, doc), 'utf8') !== text) problems.push(`${doc} is not what the registry says: run npm run docs`);
  }
  return problems;
}

/**
 * A lesson names only files that exist, and of its own level or earlier: its branch holds them. A
 * later level's file may be named where the lesson says what comes next, on a line that says "later
 * phase" or "finished service".
 */
export function lintLessonPaths(root = REPO_ROOT): string[] {
  const problems: string[] = [];
  const levels = new Map(starterFilesOn(path.join(root, 'starter')).map((f) => [`starter/${f.file}`, f.level]));
  const all = new Set(listStarterFiles(path.join(root, 'starter')).map((f) => `starter/${f}`));
  for (const p of PHASES.filter((ph) => ph.checks.length > 0)) {
    const text = existsSync(path.join(root, p.lesson)) ? readFileSync(path.join(root, p.lesson), 'utf8') : '';
    text.split('\n').forEach((line, i) => {
      for (const m of line.matchAll(/starter\/src\/[\w./-]+\.(?:ts|js|css|html)/g)) {
        const where = `${p.lesson}:${i + 1}`;
        const level = levels.get(m[0]);
        if (!all.has(m[0])) problems.push(`${where} names ${m[0]}, which does not exist`);
        else if (level !== undefined && level > p.id && !/later phase|finished service/i.test(line))
          problems.push(`${where} names ${m[0]} (level ${level}), which the branch of phase ${p.id} does not hold: name it only where the lesson says it comes in a later phase or the finished service`);
      }
    });
  }
  return problems;
}
