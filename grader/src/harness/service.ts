import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { TARGET } from './target.ts';

export interface ServiceOptions {
  /** Highest phase whose features the service uses (its `--level`); a baseline runs one below. */
  level: number;
  /** Extra command-line flags for starter/src/main.ts. */
  args?: string[];
  env?: Record<string, string>;
  /** Node flags, e.g. `--max-semi-space-size=32`. */
  nodeArgs?: string[];
  /** How long to wait for the "listening" line. */
  startTimeoutMs?: number;
}

export interface RunningService {
  url: string;
  port: number;
  dataFile: string;
  child: ChildProcess;
  /** Recent output of the service, for error messages. */
  output(): string;
  /** SIGTERM, wait for exit (SIGKILL after `graceMs`); returns the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

const LISTENING = /listening on (http:\/\/[^\s]+)/;

/**
 * Start the target tree's service in its own process on a free port with a fresh data file.
 * The service prints `MetricStream listening on http://127.0.0.1:PORT` once it accepts connections.
 */
export async function startService(opts: ServiceOptions): Promise<RunningService> {
  return startListening({
    nodeArgs: [...(opts.nodeArgs ?? []), '--import', 'tsx'],
    script: path.join(TARGET, 'starter/src/main.ts'),
    scriptArgs: ['--host', '127.0.0.1', '--level', String(opts.level), ...(opts.args ?? [])],
    cwd: TARGET,
    env: opts.env,
    startTimeoutMs: opts.startTimeoutMs,
  });
}

export interface ListeningProcessOptions {
  nodeArgs: string[];
  script: string;
  /** Come after `--port 0 --data-file <fresh file>`, so they may override either. */
  scriptArgs: string[];
  cwd: string;
  env?: Record<string, string>;
  startTimeoutMs?: number;
}

/**
 * Start any Node HTTP server that takes `--port` and `--data-file` and prints `listening on
 * http://HOST:PORT` (the service, or a peer server a benchmark compares it with), with a fresh data
 * file in its own temp folder; stop() removes the folder.
 */
export async function startListening(opts: ListeningProcessOptions): Promise<RunningService> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ms-svc-'));
  const dataFile = path.join(dir, 'metrics.jsonl');
  const child = spawn(process.execPath, [...opts.nodeArgs, opts.script, '--port', '0', '--data-file', dataFile, ...opts.scriptArgs], {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  };
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`service did not start within ${opts.startTimeoutMs ?? 15_000} ms:\n${log}`));
    }, opts.startTimeoutMs ?? 15_000);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      keep(Buffer.from(line + '\n'));
      const m = LISTENING.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`service exited with code ${code} before listening:\n${log}`));
    });
  });

  return {
    url,
    port: Number(new URL(url).port),
    dataFile,
    child,
    output: () => log,
    async stop(graceMs = 10_000) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        const code = await exited;
        clearTimeout(timer);
        rmSync(dir, { recursive: true, force: true });
        return code;
      }
      rmSync(dir, { recursive: true, force: true });
      return child.exitCode;
    },
  };
}
