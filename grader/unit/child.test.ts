import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { learnerEnv } from '../src/run/child-env.ts';
import { runChild } from '../src/run/child.ts';

/** Running, not a zombie waiting for a reaper (where PID 1 does not reap, a killed orphan stays one). */
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

// A graded test that throws before its stop() leaves its service running; the check's end must end it.
test('a process a check started and never stopped dies with the check, even one that ignores SIGTERM', async () => {
  const script = `
    const { spawn } = require('node:child_process');
    const leftover = spawn(process.execPath, ['-e', "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)"], { stdio: 'ignore' });
    console.log(leftover.pid);
    setTimeout(() => process.exit(1), 300); // the check ends, its service still running
  `;
  const run = await runChild(process.execPath, ['-e', script], { cwd: process.cwd(), env: process.env, deadlineMs: 20_000 });
  const pid = Number(run.stdout.trim());
  expect(pid).toBeGreaterThan(0);
  expect(run.timedOut).toBe(false);
  for (let i = 0; i < 50 && alive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(alive(pid), `process ${pid} outlived its check`).toBe(false);
});

test("learner code gets what a program needs and the grader's settings, not the runner's command files or secrets", () => {
  const env = learnerEnv({ MS_TARGET: '/t' }, { PATH: '/bin', GITHUB_OUTPUT: '/o', AWS_SECRET_ACCESS_KEY: 's', MS_OTHER: 'x', __STRYKER_ACTIVE_MUTANT__: '7' });
  expect(env).toEqual({ PATH: '/bin', MS_TARGET: '/t', __STRYKER_ACTIVE_MUTANT__: '7' }); // the mutation tool's switch must reach the checks
});
