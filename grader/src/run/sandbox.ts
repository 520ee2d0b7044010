import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readlinkSync } from 'node:fs';
import path from 'node:path';

/**
 * Where learner code runs: inside bubblewrap when it is installed (Debian `bubblewrap`, on GitHub's
 * runners too), as Exercism's test runners do. In there:
 * - the whole file system is read-only: the grader, the graded tests, the base checkout and the
 *   report cannot be rewritten; only a private /tmp and the check's own work folder are writable;
 * - it has its own PID namespace: nothing it starts outlives the check (the namespace dies with its
 *   first process), and /proc shows none of the grader's processes, so their stdout is out of reach;
 * - it has its own network namespace: loopback only, enough for the service a check starts.
 * Where bubblewrap is missing (or cannot create namespaces here), learner code runs as before and
 * the report says so. MS_SANDBOX=off turns it off on purpose (debugging a check).
 */
export type SandboxState = { kind: 'bubblewrap' } | { kind: 'none'; why: string };

export interface SandboxMounts {
  /** Shown read-only even when under /tmp (the grader's checkout, the tree under test). */
  readOnly: readonly string[];
  /** Writable from inside (a check's own work folder). */
  writable: readonly string[];
}

const BWRAP = 'bwrap';
const NAMESPACES = ['--unshare-pid', '--unshare-net', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try'];

function baseArgs(): string[] {
  return ['--ro-bind', '/', '/', '--tmpfs', '/tmp', '--dev', '/dev', '--proc', '/proc', ...NAMESPACES, '--die-with-parent', '--new-session'];
}

let state: SandboxState | undefined;

/** Whether learner code will be sandboxed, and if not, why (probed once: bubblewrap may exist yet be refused namespaces). */
export function sandboxState(env: NodeJS.ProcessEnv = process.env): SandboxState {
  if (env.MS_SANDBOX === 'off') return { kind: 'none', why: 'turned off with MS_SANDBOX=off' };
  if (state) return state;
  const probe = spawnSync(BWRAP, [...baseArgs(), '--', 'true'], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 });
  const err = probe.error as NodeJS.ErrnoException | undefined;
  state =
    err?.code === 'ENOENT'
      ? { kind: 'none', why: 'bubblewrap is not installed (Debian: apt install bubblewrap)' }
      : probe.status === 0
        ? { kind: 'bubblewrap' }
        : { kind: 'none', why: `bubblewrap cannot create its namespaces here: ${(probe.stderr?.toString() || err?.message || `exit ${probe.status}`).trim()}` };
  return state;
}

/** One line for the report: what protected the grader from the code it graded. */
export function describeSandbox(s: SandboxState = sandboxState()): string {
  return s.kind === 'bubblewrap'
    ? 'sandboxed (bubblewrap: read-only files, private /tmp, own processes, loopback-only network)'
    : `not sandboxed: ${s.why}`;
}

/**
 * What to show read-only for these trees. A tree under /tmp is shown from its top folder there, and
 * so is every folder its `node_modules` links lead through: a mutation sandbox's `node_modules` links
 * to its tree's, which links to the checkout's, and each link on the way must resolve inside too.
 */
function visibleRoots(paths: readonly string[]): string[] {
  const all = paths.flatMap((p) => [path.resolve(p), ...linkChain(path.join(path.resolve(p), 'node_modules'))]);
  const roots = all.map((abs) => {
    const [, top, first] = abs.split(path.sep);
    return top === 'tmp' && first ? path.join('/tmp', first) : abs;
  });
  return [...new Set(roots)].filter((p) => existsSync(p));
}

/** The places a symbolic link leads through, link by link, to what it finally names. */
function linkChain(start: string): string[] {
  const out: string[] = [];
  for (let p = start, hops = 0; hops < 16; hops++) {
    let target: string;
    try {
      if (!lstatSync(p).isSymbolicLink()) break;
      target = path.resolve(path.dirname(p), readlinkSync(p));
    } catch {
      break;
    }
    out.push(target);
    p = target;
  }
  return out;
}

/** The command that runs `cmd args` in the sandbox, or unchanged when there is none. */
export function sandboxed(cmd: string, args: readonly string[], cwd: string, mounts: SandboxMounts): { cmd: string; args: string[] } {
  if (sandboxState().kind !== 'bubblewrap') return { cmd, args: [...args] };
  const ro = visibleRoots(mounts.readOnly).flatMap((p) => ['--ro-bind', p, p]);
  const rw = mounts.writable.flatMap((p) => ['--bind', path.resolve(p), path.resolve(p)]);
  // Later mounts go over earlier ones: the trees under /tmp reappear over the private /tmp.
  return { cmd: BWRAP, args: [...baseArgs(), ...ro, ...rw, '--setenv', 'TMPDIR', '/tmp', '--chdir', path.resolve(cwd), '--', cmd, ...args] };
}
