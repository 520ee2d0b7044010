import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startListening, type RunningService } from '../../grader/src/harness/service.ts';

/** The contenders: how to start each one on a free port with a fresh data file. */
export interface Contender {
  name: string;
  /** Start with this data file (the bench counts its lines after the server exits). */
  start(dataFile: string): Promise<RunningService>;
  /** Only these workloads (default: every workload of the run). */
  only?: readonly string[];
}

export interface MetricStreamOptions {
  /** Environment of the service (e.g. METRICSTREAM_HAND_OVER). */
  env?: Record<string, string>;
  /** Node flags, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  /** Flags of starter/src/main.ts, e.g. `--disk-latency-ms 20`. */
  args?: string[];
  only?: readonly string[];
}

/** Node flags for every contender alike (see DESIGN.md: JSON.parse at 100 metrics is bimodal without it). */
const NODE_FLAGS = ['--max-semi-space-size=32'];
const BENCH_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/**
 * MetricStream keeps its per-client token bucket on (it runs on every request), with a limit a
 * single benchmark client cannot reach: the bench measures the service, not the limit.
 */
export function benchConfig(tree: string): string {
  const file = path.join(tree, 'bench-config.json');
  writeFileSync(file, JSON.stringify({ rateLimit: { capacity: 2_000_000, refillTokens: 200_000, refillIntervalMs: 100 } }) + '\n');
  return file;
}

/**
 * 50 benchmark connections may all wait for the pool at once: room for 64 queued bodies, so the
 * bench measures throughput, not the 503 back pressure (default size * 16 = 32 on 2 cores).
 */
const BENCH_ENV = { METRICSTREAM_POOL_QUEUE: '64' };

export function metricStream(name: string, tree: string, level: number, o: MetricStreamOptions = {}): Contender {
  const config = benchConfig(tree);
  return {
    name,
    ...(o.only ? { only: o.only } : {}),
    start: (dataFile) =>
      startListening({
        nodeArgs: [...NODE_FLAGS, ...(o.nodeArgs ?? []), '--import', 'tsx'],
        script: path.join(tree, 'starter/src/main.ts'),
        scriptArgs: ['--host', '127.0.0.1', '--level', String(level), '--config', config, '--data-file', dataFile, ...(o.args ?? [])],
        cwd: tree,
        env: { ...BENCH_ENV, ...o.env },
      }),
  };
}

export function peer(name: string, file: 'plain-node' | 'fastify' | 'answer-only', tree: string, extraNodeArgs: string[] = []): Contender {
  return {
    name,
    start: (dataFile) =>
      startListening({
        nodeArgs: [...NODE_FLAGS, ...extraNodeArgs, '--import', 'tsx'],
        script: path.join(BENCH_DIR, 'peers', `${file}.ts`),
        scriptArgs: ['--host', '127.0.0.1', '--tree', tree, '--data-file', dataFile],
        cwd: tree,
      }),
  };
}
