import { watch } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { PhaseSpec } from '../registry/types.ts';
import { gradeTree } from '../run/grade-tree.ts';
import { renderReport } from '../report/console.ts';
import { saveReport } from '../report/files.ts';
import { REPO_ROOT } from '../harness/target.ts';

/**
 * Re-grade (correctness only) whenever a file under starter/ changes. Keys: Enter re-grades,
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
    console.log('watching starter/ — Enter: re-grade, p: with performance, q: quit');
    running = false;
    if (again) {
      again = false;
      void grade(false);
    }
  };
  let timer: NodeJS.Timeout | undefined;
  try {
    watch(path.join(opts.target, 'starter'), { recursive: true }, () => {
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
