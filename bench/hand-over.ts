import { parseArgs } from 'node:util';
import { PHASES } from '../grader/src/registry/index.ts';
import { materializeReference, removeTree } from '../grader/src/tree/materialize.ts';
import { loadTable } from './lib/report.ts';
import { metricStream, peer } from './lib/servers.ts';
import { sideBySide } from './lib/side-by-side.ts';
import { spread } from './lib/summary.ts';
import { WORKLOADS } from './lib/workloads.ts';

/**
 * How the finished service hands accepted batches to its writer thread: phase 5's SPSC ring in
 * shared memory (`--hand-over ring`) against one postMessage per turn of the event loop and the
 * thread's answer before each 200 (`--hand-over message`), with plain Node beside them, alternating
 * in one run; every acknowledged metric is checked on disk.
 *   npm run bench:hand-over -- [--workloads batch1,batch100,paced] [--duration 3] [--reps 3]
 */
const { values } = parseArgs({
  options: { workloads: { type: 'string', default: 'batch1,batch100,paced' }, duration: { type: 'string', default: '3' }, reps: { type: 'string', default: '3' } },
});
const workloads = values.workloads!.split(',').map((id) => {
  const w = WORKLOADS.find((x) => x.id === id.trim());
  if (!w) throw new Error(`--workloads: unknown "${id}", known: ${WORKLOADS.map((x) => x.id).join(', ')}`);
  return w;
});
const last = PHASES.filter((p) => p.checks.length > 0).at(-1)!;
const tree = materializeReference();
try {
  const all = await sideBySide({
    contenders: [
      metricStream('ring hand-over', tree, last.id, { env: { METRICSTREAM_HAND_OVER: 'ring' } }),
      metricStream('message hand-over', tree, last.id, { env: { METRICSTREAM_HAND_OVER: 'message' } }),
      peer('plain Node', 'plain-node', tree),
    ],
    workloads,
    reps: Number(values.reps),
    durationSec: Number(values.duration),
    warmupSec: 1,
    log: (line) => console.log(line),
  });
  console.log('\n' + loadTable(all, false));
  const [ring, message] = all;
  for (const w of workloads) {
    const r = ring!.runs.get(w.id)!;
    const m = message!.runs.get(w.id)!;
    const per = (f: (x: (typeof r)[number]) => number) => spread(r.map((x, i) => f(x) / f(m[i]!)));
    const tput = per((x) => x.metricsPerSec);
    const p50 = per((x) => x.p50);
    console.log(`${w.id}: ring/message metrics/s ${tput.median.toFixed(2)}x (${tput.min.toFixed(2)}–${tput.max.toFixed(2)}), p50 ${p50.median.toFixed(2)}x (${p50.min.toFixed(2)}–${p50.max.toFixed(2)})`);
  }
  if (all.some((c) => c.lost > 0)) {
    console.error('error: acknowledged metrics are missing from a data file');
    process.exitCode = 1;
  }
} finally {
  removeTree(tree);
}
