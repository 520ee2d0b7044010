import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../harness/target.ts';
import { PHASES } from '../registry/index.ts';

/**
 * A file's level and role, stated once: in its first line, e.g.
 *   `// Level 2 · provided: read it, don't change it.`
 * The level is the first phase whose service uses the file; a learning branch of phase k holds the
 * files of levels <= k. The role says what the file is to the learner: an exercise of its level's
 * phase (the registry lists them), provided code, or support for the graded tests and the lesson's
 * experiments that the service itself does not run.
 */
export const ROLES = ['exercise', 'provided', 'test support'] as const;
export type Role = (typeof ROLES)[number];

export interface StarterFile {
  /** Relative to starter/, e.g. `src/ingest/validate.ts`. */
  file: string;
  level: number;
  role: Role;
}

/** The first line of a file, in its own comment syntax. */
export function headerLine(file: string, level: number, role: Role): string {
  const text = `Level ${level} · ${ROLE_TEXT[role](level)}`;
  if (/\.(ts|js|css)$/.test(file)) return file.endsWith('.ts') ? `// ${text}` : `/* ${text} */`;
  return `<!-- ${text} -->`;
}

const ROLE_TEXT: Record<Role, (level: number) => string> = {
  exercise: (level) => `exercise of phase ${level}: yours to write on its branch; later branches hold the reference.`,
  provided: () => `provided: read it, don't change it.`,
  'test support': () => `test support: the graded tests or the lesson's experiments run it, the service does not.`,
};

const HEADER = /^(?:\/\/|\/\*|<!--)\s*Level (\d+) · (exercise|provided|test support)\b/;

export function parseHeader(text: string): { level: number; role: Role } | undefined {
  const m = HEADER.exec(text.slice(0, text.indexOf('\n') + 1 || undefined));
  return m ? { level: Number(m[1]), role: m[2] as Role } : undefined;
}

/** Every file under starter/src, relative to starter/. */
export function listStarterFiles(starter: string): string[] {
  const src = path.join(starter, 'src');
  if (!existsSync(src)) return [];
  return readdirSync(src, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(starter, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

/** Files of starter/src with their header; `undefined` level for a file without one. */
export function readStarterFiles(starter: string): { file: string; header: ReturnType<typeof parseHeader>; text: string }[] {
  return listStarterFiles(starter).map((file) => {
    const text = readFileSync(path.join(starter, file), 'utf8');
    return { file, header: parseHeader(text), text };
  });
}

export interface Edge {
  to: string;
  /** A late edge names a module of a later level, loaded by path only when that level runs. */
  late?: number;
}

const STATIC_EDGES = [
  /\bfrom\s+'(\.{1,2}\/[^']+)'/g,
  /\bimport\s+'(\.{1,2}\/[^']+)'/g,
  /\bimport\(\s*'(\.{1,2}\/[^']+)'\s*\)/g,
  /\bnew URL\(\s*'(\.{1,2}\/[^']+)'\s*,\s*import\.meta\.url\s*\)/g,
];
const LATE_EDGE = /\bimportLevel(?:<[^>]*>)?\(\s*'([^']+)'\s*,\s*(\d+)\s*\)/g;

/** What a TypeScript file of starter/ uses: imports, worker and handler URLs, and late loads (importLevel). */
export function edgesOf(file: string, text: string): Edge[] {
  const edges: Edge[] = [];
  const dir = path.posix.dirname(file);
  for (const re of STATIC_EDGES) for (const m of text.matchAll(re)) edges.push({ to: path.posix.join(dir, m[1]!) });
  for (const m of text.matchAll(LATE_EDGE)) edges.push({ to: `src/${m[1]!}`, late: Number(m[2]) });
  return edges;
}

/** What level L runs: main.ts and the level modules up to L, with everything they import. */
export const levelEntries = (level: number): string[] => ['src/main.ts', ...Array.from({ length: level + 1 }, (_, n) => `src/levels/level-${n}.ts`)];

/** The files level `level` runs, following static edges and the late edges of levels <= `level`. */
export function reachable(graph: Map<string, Edge[]>, level: number): Set<string> {
  const seen = new Set<string>();
  const todo = levelEntries(level).filter((f) => graph.has(f));
  while (todo.length) {
    const f = todo.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    for (const e of graph.get(f) ?? []) if ((e.late === undefined || e.late <= level) && graph.has(e.to)) todo.push(e.to);
  }
  return seen;
}

/**
 * The import graph of starter/src. An exercise file's edges are those of its shell and of its
 * reference solution together: a branch holds the shell of its own phase and the solutions of the
 * earlier ones, and both must find what they import.
 */
export function importGraph(root: string, files: { file: string; text: string }[]): Map<string, Edge[]> {
  const owner = exerciseOwner();
  return new Map(
    files.map(({ file, text }) => {
      if (!file.endsWith('.ts')) return [file, []];
      const phase = owner.get(file);
      const solution = phase === undefined ? undefined : path.join(root, 'solutions', `phase-${phase}`, file);
      const extra = solution && existsSync(solution) ? edgesOf(file, readFileSync(solution, 'utf8')) : [];
      return [file, [...edgesOf(file, text), ...extra]];
    }),
  );
}

export const exerciseOwner = (): Map<string, number> => new Map(PHASES.flatMap((p) => p.exercises.map((ex) => [ex, p.id] as const)));

/**
 * The tree checks itself: every starter/src file declares its level and role; an exercise is one
 * of its phase's; a file imports nothing of a later level (a later level's module is loaded with
 * importLevel); and each provided file's level is the first level that runs it, so a branch holds
 * exactly what its service uses. Each problem says how to fix it.
 */
export function lintLevels(root = REPO_ROOT, finalLevel = PHASES.filter((p) => p.checks.length > 0).at(-1)!.id): string[] {
  const starter = path.join(root, 'starter');
  const files = readStarterFiles(starter);
  const problems: string[] = [];
  const owner = exerciseOwner();
  const levels = new Map<string, StarterFile>();
  for (const { file, header } of files) {
    if (!header) {
      problems.push(`starter/${file} has no level header: its first line must read like "${headerLine(file, 0, 'provided')}" (npm run tree-levels -- --fix writes the computed ones)`);
      continue;
    }
    if (header.level > finalLevel) problems.push(`starter/${file} declares level ${header.level}, past the last level ${finalLevel}`);
    levels.set(file, { file, ...header });
    const phase = owner.get(file);
    if (phase !== undefined && (header.role !== 'exercise' || header.level !== phase))
      problems.push(`starter/${file} is an exercise of phase ${phase}: its header must say "${headerLine(file, phase, 'exercise')}"`);
    if (phase === undefined && header.role === 'exercise') problems.push(`starter/${file} says it is an exercise, but no phase lists it in the registry's exercises`);
  }
  for (const [ex, phase] of owner) if (!files.some((f) => f.file === ex)) problems.push(`phase ${phase}'s exercise starter/${ex} does not exist`);
  // The last level is stated once in the service (config.ts) and must be the registry's last graded phase.
  const declared = /export const FINAL_LEVEL = (\d+);/.exec(files.find((f) => f.file === 'src/config.ts')?.text ?? '');
  if (Number(declared?.[1]) !== finalLevel) problems.push(`starter/src/config.ts must say FINAL_LEVEL = ${finalLevel}, the last phase of the registry (it says ${declared?.[1] ?? 'nothing'})`);
  for (let n = 0; n <= finalLevel; n++) if (!files.some((f) => f.file === `src/levels/level-${n}.ts`)) problems.push(`starter/src/levels/level-${n}.ts is missing: every level up to ${finalLevel} has its wiring module`);
  for (const f of files) {
    const n = /^src\/levels\/level-(\d+)\.ts$/.exec(f.file)?.[1];
    if (n !== undefined && Number(n) > finalLevel) problems.push(`starter/${f.file} is past the last level ${finalLevel}: register its phase, or delete it`);
  }

  const graph = importGraph(root, files);
  for (const [file, edges] of graph) {
    const mine = levels.get(file);
    for (const e of edges) {
      const target = levels.get(e.to);
      if (!graph.has(e.to)) {
        problems.push(`starter/${file} uses ${e.to}, which does not exist`);
        continue;
      }
      if (!mine || !target) continue;
      if (e.late !== undefined) {
        if (target.level !== e.late) problems.push(`starter/${file} loads ${e.to} as level ${e.late}, but the file says level ${target.level}`);
      } else if (target.level > mine.level) {
        problems.push(
          `starter/${file} (level ${mine.level}) imports ${e.to} (level ${target.level}): a branch of level ${mine.level} would not have it — move the use to levels/level-${target.level}.ts or load it with importLevel`,
        );
      }
    }
  }
  const runs = Array.from({ length: finalLevel + 1 }, (_, l) => reachable(graph, l));
  const firstRun = (file: string): number | undefined => {
    const l = runs.findIndex((r) => r.has(file));
    return l < 0 ? undefined : l;
  };
  for (const f of levels.values()) {
    const first = firstRun(f.file);
    if (!f.file.endsWith('.ts')) continue; // assets are served by path; their level is the module's that serves them
    if (f.role === 'test support' && first !== undefined)
      problems.push(`starter/${f.file} says "test support", but the service runs it from level ${first}: make it "provided" (level ${first})`);
    if (f.role === 'provided' && first === undefined)
      problems.push(`starter/${f.file} says "provided", but no level of the service runs it: delete it, or make it "test support" if the tests or the lesson use it`);
    // An exercise belongs to its phase even when the service first runs it at a later level.
    if (f.role === 'provided' && first !== undefined && first !== f.level)
      problems.push(`starter/${f.file} says level ${f.level}, but the service first runs it at level ${first}: the header must say level ${first}`);
    if (f.role === 'exercise' && first !== undefined && first < f.level)
      problems.push(`starter/${f.file} is phase ${f.level}'s exercise, but the service runs it from level ${first}: a branch before phase ${f.level} would hold its stub`);
  }
  return problems;
}

/** What a learning branch of `phase` holds of starter/src: the files of levels <= phase. */
export function filesOfBranch<T extends { level: number }>(files: T[], phase: number): T[] {
  return files.filter((f) => f.level <= phase);
}

/** Level and role of every file of a starter/ folder on disk (files without a header are left out; the lint names them). */
export function starterFilesOn(starter: string): StarterFile[] {
  return readStarterFiles(starter).flatMap(({ file, header }) => (header ? [{ file, ...header }] : []));
}
