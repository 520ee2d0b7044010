import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PHASES } from '../grader/src/registry/index.ts';
import { materialize, removeTree } from '../grader/src/tree/materialize.ts';
import { metricStream, peer } from './lib/servers.ts';
import { runWorkload, WORKLOADS } from './lib/workloads.ts';

/**
 * Where the time goes: one server under one workload with `node --cpu-prof`, then the functions
 * with the most self time, per thread (main thread and each pool worker write their own profile).
 * `--inclusive` ranks by inclusive time instead: the share of samples with the function anywhere on
 * the stack (what a call costs with everything it calls, Node's own internals included).
 *   npx tsx bench/profile.ts [--server final|plain] [--workload batch1|batch100|paced] [--duration 5] [--top 15] [--inclusive]
 */
const { values } = parseArgs({
  options: {
    server: { type: 'string', default: 'final' },
    workload: { type: 'string', default: 'batch1' },
    duration: { type: 'string', default: '5' },
    top: { type: 'string', default: '15' },
    inclusive: { type: 'boolean', default: false },
  },
});
const w = WORKLOADS.find((x) => x.id === values.workload);
if (!w) throw new Error(`--workload must be one of ${WORKLOADS.map((x) => x.id).join(', ')}`);
const last = PHASES.filter((p) => p.checks.length > 0).at(-1)!;
const tree = materialize(last, { kind: 'solution' });
const profDir = mkdtempSync(path.join(os.tmpdir(), 'ms-prof-'));
const prof = ['--cpu-prof', `--cpu-prof-dir=${profDir}`];
try {
  const contender = values.server === 'plain' ? peer('plain', 'plain-node', tree, prof) : metricStream('final', tree, last.id, { nodeArgs: prof });
  const svc = await contender.start(path.join(profDir, 'data.jsonl'));
  await runWorkload(w, `${svc.url}/metrics`, 1);
  const r = await runWorkload(w, `${svc.url}/metrics`, Number(values.duration));
  await svc.stop(15_000);
  console.log(`${values.server}, ${w.title}: ${Math.round(r.rps)} req/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms\n`);
  for (const file of readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile'))) {
    const p = JSON.parse(readFileSync(path.join(profDir, file), 'utf8')) as CpuProfile;
    console.log(`${file}\n${(values.inclusive ? topInclusive : topSelf)(p, Number(values.top))}\n`);
  }
} finally {
  rmSync(profDir, { recursive: true, force: true });
  removeTree(tree);
}

interface CpuProfile {
  nodes: { id: number; hitCount: number; children?: number[]; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  startTime: number;
  endTime: number;
}

type Frame = CpuProfile['nodes'][number]['callFrame'];
function keyOf(f: Frame): string {
  const where = f.url ? `${f.url.replace(/^file:\/\/.*?\/(starter|node_modules|bench)\//, '$1/')}:${f.lineNumber + 1}` : '';
  return `${f.functionName || '(anonymous)'} ${where}`.trim();
}

/** Self time per function (summed over its call sites), as a share of the thread's samples. */
function topSelf(p: CpuProfile, top: number): string {
  const by = new Map<string, number>();
  for (const n of p.nodes) by.set(keyOf(n.callFrame), (by.get(keyOf(n.callFrame)) ?? 0) + n.hitCount);
  return ranked(by, p.nodes.reduce((t, n) => t + n.hitCount, 0), top);
}

/** Inclusive time per function: each sample counts once for every distinct function on its stack. */
function topInclusive(p: CpuProfile, top: number): string {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const by = new Map<string, number>();
  const walk = (id: number, onStack: ReadonlySet<string>): number => {
    const n = byId.get(id)!;
    const key = keyOf(n.callFrame);
    const stack = onStack.has(key) ? onStack : new Set([...onStack, key]);
    const total = n.hitCount + (n.children ?? []).reduce((t, c) => t + walk(c, stack), 0);
    if (!onStack.has(key)) by.set(key, (by.get(key) ?? 0) + total); // recursion: counted at its outermost call only
    return total;
  };
  const total = walk(p.nodes[0]!.id, new Set());
  by.delete(keyOf(p.nodes[0]!.callFrame)); // the root holds every sample
  return ranked(by, total, top);
}

function ranked(by: Map<string, number>, total: number, top: number): string {
  return [...by.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, n]) => `${((100 * n) / Math.max(1, total)).toFixed(1).padStart(5)}%  ${k}`)
    .join('\n');
}
