import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { materializeReference, removeTree } from '../grader/src/tree/materialize.ts';
import { machineLine, table } from './lib/report.ts';
import { metricStream, peer, type Contender } from './lib/servers.ts';
import { int, showSpread, spread } from './lib/summary.ts';
import { NAMES } from './lib/targets.ts';
import { runWorkload, WORKLOADS, type WorkloadResult } from './lib/workloads.ts';
import { wrkInstalled } from './lib/wrk.ts';

/**
 * The ceiling under the 1-metric workloads: the final service and plain Node next to a server that
 * answers without doing anything (bench/peers/answer-only.ts), in turn, the order rotating. What
 * the answer-only server reaches is what the load generator and Node's HTTP layer leave for any
 * server on this machine; a target above it cannot be met by server code, one near it hardly.
 *   npx tsx bench/ceiling.ts [--reps 3] [--duration 3] [--md]
 */
const { values } = parseArgs({ options: { reps: { type: 'string', default: '3' }, duration: { type: 'string', default: '3' }, md: { type: 'boolean', default: false } } });
const reps = Number(values.reps);
const durationSec = Number(values.duration);
const ids = ['batch1', ...(wrkInstalled() ? ['batch1-wrk'] : []), 'paced'];
const workloads = WORKLOADS.filter((w) => ids.includes(w.id));

const tree = materializeReference();
const dir = mkdtempSync(path.join(os.tmpdir(), 'ms-ceiling-'));
const ANSWER_ONLY = 'answer-only node:http';
const contenders: Contender[] = [metricStream(NAMES.final, tree, 7), peer(NAMES.plain, 'plain-node', tree), peer(ANSWER_ONLY, 'answer-only', tree)];
const runs = new Map<string, WorkloadResult[]>();
try {
  for (let rep = 0; rep < reps; rep++) {
    for (let k = 0; k < contenders.length; k++) {
      const c = contenders[(k + rep) % contenders.length]!;
      const svc = await c.start(path.join(dir, `${rep}-${k}.jsonl`));
      try {
        for (const w of workloads) {
          await runWorkload({ ...w, generator: undefined }, `${svc.url}/metrics`, 1); // warm-up
          const r = await runWorkload(w, `${svc.url}/metrics`, durationSec);
          runs.set(`${c.name}|${w.id}`, [...(runs.get(`${c.name}|${w.id}`) ?? []), r]);
          console.log(`rep ${rep + 1}/${reps} ${c.name.padEnd(22)} ${w.id.padEnd(10)} ${int(r.rps)} req/s, p50 ${r.p50.toFixed(3)} ms, non-200 ${r.failed}`);
        }
      } finally {
        await svc.stop(15_000);
      }
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
  removeTree(tree);
}

const rows = workloads.flatMap((w) =>
  contenders.map((c) => {
    const mine = runs.get(`${c.name}|${w.id}`) ?? [];
    const ceiling = runs.get(`${ANSWER_ONLY}|${w.id}`) ?? [];
    const share = spread(mine.map((r, i) => r.rps / ceiling[i]!.rps));
    return [w.title, c.name, showSpread(spread(mine.map((r) => r.rps)), int), showSpread(spread(mine.map((r) => r.p50)), (n) => n.toFixed(3)), w.id === 'paced' ? '–' : showSpread(share, (n) => `${(100 * n).toFixed(0)}%`)];
  }),
);
console.log(`\n${machineLine()}; ${reps} rep(s) x ${durationSec} s, median (min–max)\n`);
console.log(table(['workload', 'server', 'req/s', 'p50 ms', 'req/s of answer-only'], rows, values.md));
