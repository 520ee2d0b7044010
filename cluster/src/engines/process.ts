import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/**
 * Starting and stopping the engines' real binaries (nats-server, clickhouse-server, zookeeper):
 * each is a child process this one owns, found by name, on a free loopback port, stopped by PID.
 */

/** Where Debian puts the engines' binaries, searched before PATH (zookeeper's scripts live in its own folder). */
const SEARCH_DIRS = ['/usr/sbin', '/usr/bin', '/usr/local/bin', '/usr/share/zookeeper/bin'];

/** The first executable named `name` in the usual places or on PATH, or undefined. */
export function findExecutable(name: string): string | undefined {
  const dirs = [...SEARCH_DIRS, ...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean)];
  for (const dir of dirs) {
    const file = path.join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here: try the next directory
    }
  }
  return undefined;
}

/** A port free right now on 127.0.0.1 (another process may take it before we do: callers retry). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function portOpen(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface EngineSpec {
  /** For messages: `nats-1`, `clickhouse-a`. */
  name: string;
  binary: string;
  args: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Resolves true once the engine serves (polled every 100 ms). */
  ready(): Promise<boolean>;
  /** Sees every line the process writes (a node announces its URL this way). */
  onLine?(line: string): void;
  readyWithinMs?: number;
}

export interface EngineProcess {
  name: string;
  pid: number;
  /** The last lines the engine wrote to stdout/stderr, for failure messages. */
  logTail(lines?: number): string;
  /** Resolves when the process has exited. */
  exited: Promise<void>;
  running(): boolean;
  /** kill -9, as a fault test does; resolves when it is gone. */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when it is gone. Safe to call twice. */
  stop(graceMs?: number): Promise<void>;
}

/** A started engine a fault test can kill and bring back on the same ports and data. */
export interface RestartableEngine {
  /** The current process's PID (a restart changes it). */
  readonly pid: number;
  readonly process: EngineProcess;
  /** SIGTERM, then SIGKILL. */
  stop(): Promise<void>;
  /** kill -9. */
  kill(): Promise<void>;
  /** Start again with the same ports and data (after kill or stop). */
  restart(): Promise<void>;
}

/**
 * The handle of an engine that may be killed and started again: `launch` starts one process
 * (same ports, same data); pid and process follow the current one.
 */
export function restartable(name: string, launch: () => Promise<EngineProcess>): RestartableEngine {
  let current: EngineProcess | undefined;
  return {
    get pid() {
      return current?.pid ?? -1;
    },
    get process() {
      if (!current) throw new Error(`${name} was never started`);
      return current;
    },
    stop: async () => void (await current?.stop()),
    kill: async () => void (await current?.kill()),
    restart: async () => {
      if (current?.running()) throw new Error(`${name} is running: stop or kill it before restart()`);
      current = await launch();
    },
  };
}

/** Thrown when an engine exits or does not get ready: its name, why, and the end of its log. */
export class EngineStartError extends Error {
  override name = 'EngineStartError';
  constructor(
    readonly engine: string,
    why: string,
    readonly log: string,
  ) {
    super(`${engine} ${why}; its log ends with:\n${log}`);
  }
}

/** Kills of the engines still running, run when this process exits (one listener for all of them). */
const runningChildren = new Set<() => void>();
process.once('exit', () => runningChildren.forEach((kill) => kill()));

/** Spawn an engine and wait until `ready()`; on failure it is stopped and the error carries its log. */
export async function startEngine(spec: EngineSpec): Promise<EngineProcess> {
  // detached: its own process group, so a Ctrl-C meant for this process reaches it only through stop().
  const child = spawn(spec.binary, spec.args, { cwd: spec.cwd, env: spec.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const lines: string[] = [];
  // Per stream: the text after its last newline waits for the rest of its line.
  const reader = () => {
    let partial = '';
    return (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop()!;
      for (const line of parts) {
        if (!line) continue;
        lines.push(line);
        spec.onLine?.(line);
      }
      if (lines.length > 300) lines.splice(0, lines.length - 300);
    };
  };
  child.stdout!.setEncoding('utf8').on('data', reader());
  child.stderr!.setEncoding('utf8').on('data', reader());
  let spawnError: Error | undefined;
  child.once('error', (err) => (spawnError = err));
  // A process that dies without stopping its engines must not leave them behind.
  const killOnExit = () => child.kill('SIGKILL');
  runningChildren.add(killOnExit);
  const exited = new Promise<void>((resolve) => {
    if (hasExited(child)) resolve();
    else child.once('exit', () => resolve());
  }).then(() => void runningChildren.delete(killOnExit));

  const engine: EngineProcess = {
    name: spec.name,
    pid: child.pid ?? -1,
    logTail: (n = 20) => lines.slice(-n).join('\n'),
    exited,
    running: () => !hasExited(child),
    kill: async () => {
      if (!hasExited(child)) child.kill('SIGKILL');
      await exited;
    },
    stop: async (graceMs = 5000) => {
      if (!hasExited(child)) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(killer);
      }
    },
  };

  const deadline = Date.now() + (spec.readyWithinMs ?? 30_000);
  while (Date.now() < deadline) {
    if (spawnError) throw new EngineStartError(spec.name, `could not start (${spawnError.message})`, '');
    if (hasExited(child)) throw new EngineStartError(spec.name, `exited with code ${child.exitCode ?? child.signalCode} before it was ready`, engine.logTail());
    if (await spec.ready().catch(() => false)) return engine;
    await sleep(100);
  }
  await engine.stop();
  throw new EngineStartError(spec.name, `was not ready within ${spec.readyWithinMs ?? 30_000} ms`, engine.logTail());
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Why an engine cannot run here (its binary is missing, with the package to install), or undefined. */
export function missingBinary(binary: string, debianPackage: string): string | undefined {
  return findExecutable(binary) ? undefined : `${binary} is not installed (Debian: apt-get install ${debianPackage}, or bash scripts/install-test-deps.sh)`;
}
