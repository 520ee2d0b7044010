import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findExecutable, freePort } from '../../cluster/src/engines/process.ts';

// One way to find and place a server binary, shared with the cluster's engines.
export { findExecutable };

export interface ScrapeJob {
  job: string;
  /** host:port of the target. */
  target: string;
  metricsPath: string;
  intervalSec: number;
}

/** A minimal prometheus.yml with one static scrape job (the same shape docs/monitoring.md shows). */
export function scrapeConfig(j: ScrapeJob): string {
  return [
    'global:',
    `  scrape_interval: ${j.intervalSec}s`,
    `  scrape_timeout: ${j.intervalSec}s`,
    'scrape_configs:',
    `  - job_name: ${j.job}`,
    `    metrics_path: ${j.metricsPath}`,
    '    static_configs:',
    `      - targets: ['${j.target}']`,
    '',
  ].join('\n');
}

export interface RunningPrometheus {
  url: string;
  pid: number;
  /** The last lines Prometheus wrote to stderr (its log), for failure messages. */
  stderrTail(lines?: number): string;
  /** Run an instant query; the vector's samples as { labels, value }. */
  query(expr: string): Promise<Array<{ labels: Record<string, string>; value: number }>>;
  /** GET an HTTP API path (e.g. /api/v1/label/__name__/values) and return its `data`. */
  api<T>(pathAndQuery: string): Promise<T>;
  /** Prometheus' view of its scrape targets (health, lastError), for failure messages. */
  targets(): Promise<Array<{ labels: Record<string, string>; health: string; lastError: string; scrapeUrl: string }>>;
  /** Stop it (SIGTERM, then SIGKILL after 5 s) and remove its temp dir. Safe to call twice. */
  stop(): Promise<void>;
}

interface ApiAnswer<T> {
  status: 'success' | 'error';
  data: T;
  error?: string;
}

async function api<T>(url: string): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  const body = (await res.json()) as ApiAnswer<T>;
  if (body.status !== 'success') throw new Error(`${url} answered ${res.status}: ${body.error ?? JSON.stringify(body)}`);
  return body.data;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));
}

/**
 * Start the real `prometheus` binary on 127.0.0.1 with a temp config and TSDB, and wait until
 * GET /-/ready answers 200. A port taken between picking and binding is retried with another one.
 */
export async function startPrometheus(binary: string, job: ScrapeJob, readyWithinMs = 15_000): Promise<RunningPrometheus> {
  let lastFailure = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ms-prometheus-'));
    const config = path.join(dir, 'prometheus.yml');
    writeFileSync(config, scrapeConfig(job));
    const port = await freePort();
    const child = spawn(
      binary,
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        // its log only reaches a failure message (stderrTail), so info level costs nothing and helps
        '--log.level=info',
        '--log.format=logfmt',
      ],
      { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const stderr: string[] = [];
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr.push(...chunk.split('\n').filter(Boolean));
      if (stderr.length > 200) stderr.splice(0, stderr.length - 200);
    });
    // A test worker that dies without running afterAll must not leave Prometheus behind.
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);

    const url = `http://127.0.0.1:${port}`;
    const tail = (n = 15) => stderr.slice(-n).join('\n');
    let stopped = false;
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      process.off('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited(child);
        clearTimeout(killer);
      }
      rmSync(dir, { recursive: true, force: true });
    };

    const deadline = Date.now() + readyWithinMs;
    let ready = false;
    while (Date.now() < deadline && child.exitCode === null) {
      try {
        if ((await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) })).status === 200) {
          ready = true;
          break;
        }
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    if (ready) {
      return {
        url,
        pid: child.pid!,
        stderrTail: tail,
        api: <T>(pathAndQuery: string) => api<T>(`${url}${pathAndQuery}`),
        query: async (expr) => {
          const data = await api<{ resultType: string; result: Array<{ metric: Record<string, string>; value: [number, string] }> }>(
            `${url}/api/v1/query?query=${encodeURIComponent(expr)}`,
          );
          if (data.resultType !== 'vector') throw new Error(`query ${expr} gave a ${data.resultType}, not a vector`);
          return data.result.map((r) => ({ labels: r.metric, value: Number(r.value[1]) }));
        },
        targets: async () =>
          (await api<{ activeTargets: Array<{ labels: Record<string, string>; health: string; lastError: string; scrapeUrl: string }> }>(`${url}/api/v1/targets`))
            .activeTargets,
        stop,
      };
    }
    lastFailure = child.exitCode !== null ? `exited with code ${child.exitCode}` : `not ready within ${readyWithinMs} ms`;
    const log = tail(20);
    await stop();
    if (!/address already in use/.test(log)) throw new Error(`prometheus (${binary}) ${lastFailure}; its stderr ends with:\n${log}`);
  }
  throw new Error(`prometheus could not bind a free port in 3 attempts (${lastFailure})`);
}
