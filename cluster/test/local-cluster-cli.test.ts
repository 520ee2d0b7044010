import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { clickhouseMissing } from '../src/engines/clickhouse.ts';
import { natsMissing } from '../src/engines/nats.ts';
import { zookeeperMissing } from '../src/engines/zookeeper.ts';

/** `npm run cluster` as a user runs it: it comes up, serves, and Ctrl-C leaves no process behind. */
const missing = natsMissing() ?? clickhouseMissing() ?? zookeeperMissing();

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe.skipIf(Boolean(missing))(`npm run cluster${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('starts every part, takes a metric and answers it from ClickHouse, and stops them all on Ctrl-C', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ms-local-cluster-'));
    try {
      const cli = spawn(process.execPath, ['--import', 'tsx', 'cluster/src/local/cli.ts', '--dir', dir, '--alerts', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      cli.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
      cli.stderr.setEncoding('utf8').on('data', (c: string) => (out += c));
      const exited = new Promise<number | null>((resolve) => cli.once('exit', (code) => resolve(code)));
      const deadline = Date.now() + 120_000;
      while (!out.includes('Ctrl-C stops everything')) {
        if (Date.now() > deadline || cli.exitCode !== null) throw new Error(`the cluster did not come up:\n${out}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      const described = JSON.parse(readFileSync(path.join(dir, 'cluster.json'), 'utf8')) as { nats: { pid: number }[]; clickhouse: { pid: number }[]; zookeeper: { pid: number }; nodes: { role: string; url: string; pid: number }[] };
      const pids = [...described.nats, ...described.clickhouse, described.zookeeper, ...described.nodes].map((p) => p.pid);
      expect(pids).toHaveLength(3 + 2 + 1 + 4); // 2 ingest, 1 store, 1 query
      expect(pids.every(alive)).toBe(true);

      const ingest = described.nodes.find((n) => n.role === 'ingest')!.url;
      const query = described.nodes.find((n) => n.role === 'query')!.url;
      const posted = await fetch(`${ingest}/metrics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ metrics: [{ name: 'cli_check', value: 7, tags: { host: 'a' } }] }) });
      expect(posted.status).toBe(200);
      let value: number | undefined;
      for (let i = 0; i < 100 && value === undefined; i++) {
        const answer = (await (await fetch(`${query}/query?name=cli_check&agg=max`)).json()) as { series: { points: { value: number }[] }[] };
        value = answer.series[0]?.points[0]?.value;
        if (value === undefined) await new Promise((r) => setTimeout(r, 100));
      }
      expect(value).toBe(7);

      cli.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(out).toContain('stopped.');
      expect(pids.filter(alive), 'processes left running after Ctrl-C').toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
