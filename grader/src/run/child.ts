import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { RESULT_FD } from './result-channel.ts';
import { sandboxed, type SandboxMounts } from './sandbox.ts';

export interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when the grader killed the child at its deadline. */
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** What the child sent on the result channel (RESULT_FD), when asked for; '' when nothing came. */
  result: string;
  durationMs: number;
}

const KEEP = 20_000;
/** A result larger than this is not a result (nothing the grader's reporters send comes close). */
const MAX_RESULT = 8 * 1024 * 1024;

/**
 * Run a command with a hard deadline. At the deadline the child (and its process group, so worker
 * threads and grandchildren too) gets SIGKILL: nothing the learner's code does can hang the grader.
 * When the child exits on its own, its process group is killed too: a service a test started and
 * never stopped (it threw before its `stop()`) does not outlive the check.
 */
export function runChild(
  cmd: string,
  args: string[],
  opts: {
    cwd: string;
    env: NodeJS.ProcessEnv;
    deadlineMs: number;
    /** Open the result channel (result-channel.ts) and collect what arrives on it. */
    resultChannel?: boolean;
    /** Run it in the sandbox (sandbox.ts) with these folders visible, when there is one. */
    sandbox?: SandboxMounts;
  },
): Promise<ChildRun> {
  const started = performance.now();
  const command = opts.sandbox ? sandboxed(cmd, args, opts.cwd, opts.sandbox) : { cmd, args };
  return new Promise((resolve, reject) => {
    const stdio = opts.resultChannel ? ['ignore', 'pipe', 'pipe', 'pipe'] as const : ['ignore', 'pipe', 'pipe'] as const;
    const child = spawn(command.cmd, command.args, { cwd: opts.cwd, env: opts.env, stdio: [...stdio], detached: true });
    let stdout = '';
    let stderr = '';
    const chunks: Buffer[] = [];
    let resultBytes = 0;
    child.stdout!.on('data', (d: Buffer) => (stdout = (stdout + d.toString()).slice(-KEEP)));
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-KEEP)));
    (child.stdio[RESULT_FD] as Readable | undefined)?.on('data', (d: Buffer) => {
      resultBytes += d.length;
      if (resultBytes <= MAX_RESULT) chunks.push(d);
    });
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
      const result = resultBytes <= MAX_RESULT ? Buffer.concat(chunks).toString() : '';
      resolve({ code, signal, timedOut, stdout, stderr, result, durationMs: performance.now() - started });
    });
  });
}

/** Remove ANSI colour codes from a child's output before it goes into a report. */
export const stripAnsi = (s: string): string => s.replace(/\u001b\[[0-9;]*m/g, '');

/** How a child ended, in words: "exited with code 1", "was killed by SIGKILL". */
export const describeExit = (run: Pick<ChildRun, 'code' | 'signal'>): string =>
  run.signal ? `was killed by ${run.signal}` : `exited with code ${run.code}`;
