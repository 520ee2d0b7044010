import { spawn } from 'node:child_process';

export interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when the grader killed the child at its deadline. */
  timedOut: boolean;
  stdout: string;
  stderr: string;
  durationMs: number;
}

const KEEP = 20_000;

/**
 * Run a command with a hard deadline. At the deadline the child (and its process group, so worker
 * threads and grandchildren too) gets SIGKILL: nothing the learner's code does can hang the grader.
 * When the child exits on its own, its process group is killed too: a service a test started and
 * never stopped (it threw before its `stop()`) does not outlive the check.
 */
export function runChild(
  cmd: string,
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; deadlineMs: number },
): Promise<ChildRun> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout = (stdout + d.toString()).slice(-KEEP)));
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-KEEP)));
    let timedOut = false;
    const kill = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL'); // the group is gone already (ESRCH)
      }
    };
    // Whatever the child left behind in its group dies with it; 'close' waits for their pipes, so this comes first.
    child.once('exit', kill);
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, opts.deadlineMs);
    // If the grader itself is interrupted, take the child down with it.
    process.once('exit', kill);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      process.removeListener('exit', kill);
      resolve({ code, signal, timedOut, stdout, stderr, durationMs: performance.now() - started });
    });
  });
}

/** Remove ANSI colour codes from a child's output before it goes into a report. */
export const stripAnsi = (s: string): string => s.replace(/\u001b\[[0-9;]*m/g, '');

/** How a child ended, in words: "exited with code 1", "was killed by SIGKILL". */
export const describeExit = (run: Pick<ChildRun, 'code' | 'signal'>): string =>
  run.signal ? `was killed by ${run.signal}` : `exited with code ${run.code}`;
