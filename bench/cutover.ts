import { parseArgs } from 'node:util';
import { PHASES } from '../grader/src/registry/index.ts';
import { materialize, removeTree } from '../grader/src/tree/materialize.ts';
import { metricStream } from './lib/servers.ts';
import { sideBySide } from './lib/side-by-side.ts';
import { spread } from './lib/summary.ts';
import { loadBody, type Workload } from './lib/workloads.ts';

/**
 * Where parsing inline beats the pool: the finished service with every body parsed inline against
 * every body sent to the pool, at growing batch sizes, 50 connections, alternating.
 *   npx tsx bench/cutover.ts [--sizes 1,10,25,50,100] [--duration 2] [--reps 2]
 */
const { values } = parseArgs({ options: { sizes: { type: 'string', default: '1,10,25,50,100' }, duration: { type: 'string', default: '2' }, reps: { type: 'string', default: '2' } } });
const last = PHASES.filter((p) => p.checks.length > 0).at(-1)!;
const tree = materialize(last, { kind: 'solution' });
try {
  console.log('metrics/request  bytes   inline metrics/s   pool metrics/s   inline/pool');
  for (const n of values.sizes!.split(',').map(Number)) {
    const w: Workload = { id: 'batch1', title: `${n} metrics/request`, metricsPerRequest: n, query: '' };
    const all = await sideBySide({
      contenders: [metricStream('inline', tree, last.id, { env: { METRICSTREAM_INLINE_MAX_BYTES: String(2 ** 30) } }), metricStream('pool', tree, last.id, { env: { METRICSTREAM_INLINE_MAX_BYTES: '0' } })],
      workloads: [w],
      reps: Number(values.reps),
      durationSec: Number(values.duration),
      warmupSec: 1,
    });
    const [inline, pool] = all.map((c) => c.runs.get('batch1')!.map((r) => r.metricsPerSec)) as [number[], number[]];
    const bytes = loadBody(n).length;
    const ratio = spread(inline.map((v, i) => v / pool[i]!));
    console.log(`${String(n).padStart(15)}  ${String(bytes).padEnd(7)} ${String(Math.round(spread(inline).median)).padStart(16)} ${String(Math.round(spread(pool).median)).padStart(16)}   ${ratio.median.toFixed(2)}x (${ratio.min.toFixed(2)}–${ratio.max.toFixed(2)})`);
  }
} finally {
  removeTree(tree);
}
