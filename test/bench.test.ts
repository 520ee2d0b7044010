import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { wrkInstalled } from '../bench/lib/wrk.ts';

/**
 * Smoke test of `npm run bench`: it runs end to end on a tiny duration, every server answers,
 * every acknowledged metric is on disk, and the report has its tables. No timing is asserted.
 */
const root = path.resolve(import.meta.dirname, '..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'ms-bench-smoke-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('runs every server and workload on a tiny duration and writes the report', async () => {
  const out = path.join(dir, 'performance.md');
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'bench/run.ts', '--quick', '--duration', '0.3', '--warmup', '0.2', '--skip-journey', '--out', out],
    { cwd: root, timeout: 100_000, killSignal: 'SIGKILL', maxBuffer: 1 << 22 },
  );
  for (const server of ['MetricStream (final)', 'plain Node http', 'Fastify', 'MetricStream (phase 0)']) {
    expect(stdout, `no row for ${server}`).toMatch(new RegExp(`${server.replace(/[()]/g, '\\$&')}\\s+[\\d,]+`));
  }
  expect(stdout).not.toMatch(/LOST/);
  // The second load generator, where it is installed: its rows, for every server.
  if (wrkInstalled()) expect(stdout.match(/100 metrics\/request, 50 connections, wrk\s+\S/g)?.length).toBe(4);
  const doc = readFileSync(out, 'utf8');
  expect(doc).toContain('### Targets');
  expect(doc).toContain('paced 2,253 req/s');
  expect(doc).toMatch(/\| 1000 \| 122,\d{3} \|/); // the parser row at 1,000 metrics
}, 110_000);
