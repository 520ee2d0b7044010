import { readFileSync, watch } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { PhaseSpec } from '../registry/types.ts';
import { gradeTree } from '../run/grade-tree.ts';
import { renderReport } from '../report/console.ts';
import { saveReport } from '../report/files.ts';
import { REPO_ROOT } from '../harness/target.ts';
import { parseHeader } from '../tree/levels.ts';

/**
 * Whether a change to `file` (relative to starter/) can change the grade of `phase`: a source file
 * of the phase's levels, or one the learner added (no level header). Not a later level's file, not
 * the README, not an editor's swap file.
 */
export function affectsGrade(starter: string, file: string, phase: number): boolean {
  if (!/^src\/.*\.(ts|js|css|html|json)$/.test(file.split(path.sep).join('/'))) return false;
  let first = '';
  try {
    first = readFileSync(path.join(starter, file), 'utf8').slice(0, 200);
  } catch {
    return true; // deleted or renamed: the tree changed
  }
  const header = parseHeader(first);
  return !header || header.level <= phase;
}

/**
 * Re-grade (correctness only) whenever a file of the phase under starter/ changes (see affectsGrade). Keys: Enter re-grades,
 * `p` + Enter adds the performance checks, `q` + Enter quits. Where file watching is unreliable
 * (some network or container file systems) Enter is the manual fallback.
 */
export async function watchAndGrade(opts: { phase: PhaseSpec; target: string; seed: number; only?: string[] }): Promise<number> {
  let running = false;
  let again = false;
  const grade = async (perf: boolean) => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    console.clear();
    const report = await gradeTree({ ...opts, perf });
    saveReport(REPO_ROOT, report); // a partial run unless p was pressed: recorded, never as the phase done
    console.log(renderReport(report, { color: process.stdout.isTTY === true && !process.env.NO_COLOR }));
    console.log(`watching the files of levels 0-${opts.phase.id} under starter/ — Enter: re-grade, p: with performance, q: quit`);
    running = false;
    if (again) {
      again = false;
      void grade(false);
    }
  };
  let timer: NodeJS.Timeout | undefined;
  try {
    const starter = path.join(opts.target, 'starter');
    watch(starter, { recursive: true }, (_event, file) => {
      if (file && !affectsGrade(starter, file.toString(), opts.phase.id)) return;
      clearTimeout(timer);
      timer = setTimeout(() => void grade(false), 300); // editors write in bursts
    });
  } catch {
    console.log('file watching is not available here; press Enter to re-grade');
  }
  const input = createInterface({ input: process.stdin });
  await grade(false);
  return new Promise((resolve) => {
    input.on('line', (line) => {
      const key = line.trim().toLowerCase();
      if (key === 'q') resolve(0);
      else void grade(key === 'p');
    });
    input.on('close', () => resolve(0));
  });
}
