import { parseArgs } from 'node:util';
import { PHASES } from '../grader/src/registry/index.ts';
import { materializeReference, removeTree } from '../grader/src/tree/materialize.ts';
import { machineLine, table } from './lib/report.ts';
import { metricStream, peer } from './lib/servers.ts';
import { sideBySide, type ContenderRuns } from './lib/side-by-side.ts';
import { int, showSpread, spread } from './lib/summary.ts';
import { NAMES } from './lib/targets.ts';
import { WORKLOADS } from './lib/workloads.ts';
import { wrkInstalled } from './lib/wrk.ts';

/**
 * The ceiling under the 1-metric workloads: the final service and plain Node next to a server that
 * answers without doing anything (bench/peers/answer-only.ts), side by side as `npm run bench` runs
 * them. What the answer-only server reaches is what the load generator and Node's HTTP layer leave
 * for any server on this machine; a target above it cannot be met by server code, one near it hardly.
 * (It stores nothing, so its "lost" count means nothing and is not shown.)
 *   npx tsx bench/ceiling.ts [--reps 3] [--duration 3] [--md]
 */
const { values } = parseArgs({ options: { reps: { type: 'string', default: '3' }, duration: { type: 'string', default: '3' }, md: { type: 'boolean', default: false } } });
const reps = Number(values.reps);
const durationSec = Number(values.duration);
const ids = ['batch1', ...(wrkInstalled() ? ['batch1-wrk'] : []), 'paced'];
const workloads = WORKLOADS.filter((w) => ids.includes(w.id));
const ANSWER_ONLY = 'answer-only node:http';

const last = PHASES.filter((p) => p.checks.length > 0).at(-1)!;
const tree = materializeReference();
let all: ContenderRuns[];
try {
  all = await sideBySide({
    contenders: [metricStream(NAMES.final, tree, last.id), peer(NAMES.plain, 'plain-node', tree), peer(ANSWER_ONLY, 'answer-only', tree)],
    workloads,
    reps,
    durationSec,
    warmupSec: 1,
    log: (line) => console.log(line),
  });
} finally {
  removeTree(tree);
}

const ceiling = all.find((c) => c.name === ANSWER_ONLY)!;
const rows = workloads.flatMap((w) =>
  all.map((c) => {
    const mine = c.runs.get(w.id)!;
    const top = ceiling.runs.get(w.id)!;
    const share = spread(mine.map((r, i) => r.rps / top[i]!.rps));
    return [w.title, c.name, showSpread(spread(mine.map((r) => r.rps)), int), showSpread(spread(mine.map((r) => r.p50)), (n) => n.toFixed(3)), w.id === 'paced' ? '–' : showSpread(share, (n) => `${(100 * n).toFixed(0)}%`)];
  }),
);
console.log(`\n${machineLine()}; ${reps} rep(s) x ${durationSec} s, median (min–max)\n`);
console.log(table(['workload', 'server', 'req/s', 'p50 ms', 'req/s of answer-only'], rows, values.md));
