import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { importFromTree } from '../../scripts/lib/reference-tree.ts';
import type * as ServiceModule from '../../starter/src/service.ts';
import type * as ConfigModule from '../../starter/src/config.ts';
import type { Clock } from '../../starter/src/lib/clock.ts';

/** Import a module of the finished service (types come from starter/, code from the built tree). */
export const fromTree = <T>(relToSrc: string): Promise<T> => importFromTree<T>(inject('referenceTree'), relToSrc);

export interface RunningService {
  url: string;
  service: ServiceModule.MetricStream;
  logs: string[];
  dir: string;
  close(): Promise<void>;
}

/** Start the finished service in this process on a free port with a fresh data file. */
export async function startService(opts: { rules?: unknown; clock?: Clock; args?: string[] } = {}): Promise<RunningService> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ms-service-'));
  const args = ['--port', '0', '--host', '127.0.0.1', '--data-file', path.join(dir, 'metrics.jsonl'), ...(opts.args ?? [])];
  if (opts.rules !== undefined) {
    writeFileSync(path.join(dir, 'rules.json'), JSON.stringify(opts.rules));
    args.push('--rules-file', path.join(dir, 'rules.json'));
  }
  const { loadConfig } = await fromTree<typeof ConfigModule>('config.ts');
  const { createMetricStream } = await fromTree<typeof ServiceModule>('service.ts');
  const logs: string[] = [];
  const service = await createMetricStream(await loadConfig(args, {}), { ...(opts.clock ? { clock: opts.clock } : {}), log: (l) => logs.push(l) });
  const { url } = await service.listen();
  return {
    url,
    service,
    logs,
    dir,
    close: async () => {
      await service.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface PostedMetric {
  name: string;
  value: number;
  timestamp?: number;
  tags?: Record<string, string>;
}

export async function post(url: string, metrics: PostedMetric[]): Promise<void> {
  const res = await fetch(`${url}/metrics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ metrics }) });
  if (res.status !== 200) throw new Error(`POST /metrics answered ${res.status}: ${await res.text()}`);
}

export async function getJson<T = unknown>(url: string): Promise<{ status: number; body: T }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as T };
}
