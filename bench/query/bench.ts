import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { materializeReference } from '../../grader/src/tree/materialize.ts';
import { importFromTree } from '../../scripts/lib/reference-tree.ts';
import type * as StoreModule from '../../starter/src/storage/series-store.ts';
import type * as RangeModule from '../../starter/src/query/range-query.ts';

/**
 * Query latency on a day of data: `npm run bench:query [-- --series 1000 --hours 24 --resolution 10 --runs 5]`.
 * A benchmark, not a test: it prints a table and gates nothing. Runs the finished service's code.
 */
const { values: opts } = parseArgs({
  options: { series: { type: 'string', default: '1000' }, hours: { type: 'string', default: '24' }, resolution: { type: 'string', default: '10' }, runs: { type: 'string', default: '5' } },
});
const SERIES = Number(opts.series);
const HOURS = Number(opts.hours);
const RES_MS = Number(opts.resolution) * 1000;
const RUNS = Number(opts.runs);

const tree = materializeReference();
try {
  const { SeriesStore } = await importFromTree<typeof StoreModule>(tree, 'storage/series-store.ts');
  const { parseRangeQuery, runRangeQuery } = await importFromTree<typeof RangeModule>(tree, 'query/range-query.ts');

  const end = Date.UTC(2030, 0, 2);
  const start = end - HOURS * 3_600_000;
  const perSeries = Math.floor((end - start) / RES_MS);
  const store = new SeriesStore();
  let t0 = performance.now();
  for (let h = 0; h < SERIES; h++) {
    const tags = { host: `host-${String(h).padStart(4, '0')}`, region: ['eu', 'us', 'ap'][h % 3]! };
    const batch = [];
    for (let i = 0; i < perSeries; i++) batch.push({ name: 'cpu_usage', value: 50 + 40 * Math.sin(i / 360 + h), timestamp: start + i * RES_MS, tags, client: 'bench' });
    store.add(batch);
  }
  const buildMs = performance.now() - t0;
  console.log(`dataset: ${SERIES} series x ${perSeries} points (${HOURS} h at ${RES_MS / 1000} s) = ${store.size.points.toLocaleString('en')} points, indexed in ${buildMs.toFixed(0)} ms`);

  const cases: Array<[string, string]> = [
    ['1 series, 24 h, step 1m, avg', `name=cpu_usage&match=host=host-0007&step=1m&agg=avg`],
    ['1 series, 24 h, step 5m, p99', `name=cpu_usage&match=host=host-0007&step=5m&agg=p99`],
    ['eu (regex, ~1/3), 24 h, step 5m, max', `name=cpu_usage&match=region=~eu&step=5m&agg=max`],
    ['all series, 24 h, step 5m, avg', `name=cpu_usage&step=5m&agg=avg`],
    ['all series, 24 h, step 1h, p95', `name=cpu_usage&step=1h&agg=p95`],
    ['all series, last 1 h, step 1m, rate', `name=cpu_usage&start=${end - 3_600_000}&step=1m&agg=rate`],
  ];
  console.log(`\n| query | points read | median ms | max ms |\n|---|---:|---:|---:|`);
  for (const [label, qs] of cases) {
    const params = new URLSearchParams(qs);
    if (!params.has('start')) params.set('start', String(start));
    params.set('end', String(end));
    const times: number[] = [];
    let scanned = 0;
    for (let r = 0; r < RUNS; r++) {
      t0 = performance.now();
      const res = runRangeQuery(store, parseRangeQuery(params, end));
      JSON.stringify(res); // the route serialises it too
      times.push(performance.now() - t0);
      scanned = res.pointsScanned;
    }
    times.sort((a, b) => a - b);
    console.log(`| ${label} | ${scanned.toLocaleString('en')} | ${times[Math.floor(times.length / 2)]!.toFixed(1)} | ${times.at(-1)!.toFixed(1)} |`);
  }
} finally {
  rmSync(tree, { recursive: true, force: true });
}
