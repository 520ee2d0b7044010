import { createHash } from 'node:crypto';
import { appendFileSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { median } from '../../grader/src/harness/stats.ts';
import { materializeReference } from '../../grader/src/tree/materialize.ts';
import { importFromTree } from '../../scripts/lib/reference-tree.ts';
import type * as StoreModule from '../../starter/src/storage/series-store.ts';
import type * as RangeModule from '../../starter/src/query/range-query.ts';
import type * as LineModule from '../../starter/src/storage/line-format.ts';
import type * as SegmentsModule from '../../starter/src/storage/segments/segment-store.ts';

/**
 * Query latency on a day of data: `npm run bench:query [-- --series 1000 --hours 24 --resolution 10 --runs 5]`.
 * Restart time, log alone vs segments: `npm run bench:query -- --restart [--series 1000 --hours 24 --resolution 60 --runs 3]`.
 * A benchmark, not a test: it prints a table and gates nothing. Runs the finished service's code.
 */
const { values: opts } = parseArgs({
  options: {
    series: { type: 'string', default: '1000' },
    hours: { type: 'string', default: '24' },
    resolution: { type: 'string' },
    runs: { type: 'string' },
    restart: { type: 'boolean', default: false },
  },
});
const RESTART = opts.restart!;
const SERIES = Number(opts.series);
const HOURS = Number(opts.hours);
const RES_MS = Number(opts.resolution ?? (RESTART ? 60 : 10)) * 1000;
const RUNS = Number(opts.runs ?? (RESTART ? 3 : 5));
const END = Date.UTC(2030, 0, 2);
const START = END - HOURS * 3_600_000;
const tagsOf = (h: number): Record<string, string> => ({ host: `host-${String(h).padStart(4, '0')}`, region: ['eu', 'us', 'ap'][h % 3]! });
const valueOf = (h: number, i: number): number => 50 + 40 * Math.sin(i / 360 + h);

const tree = materializeReference();
try {
  if (RESTART) await restartBench();
  else await queryBench();
} finally {
  rmSync(tree, { recursive: true, force: true });
}

async function queryBench(): Promise<void> {
  const { SeriesStore } = await importFromTree<typeof StoreModule>(tree, 'storage/series-store.ts');
  const { parseRangeQuery, runRangeQuery } = await importFromTree<typeof RangeModule>(tree, 'query/range-query.ts');

  const end = END;
  const start = START;
  const perSeries = Math.floor((end - start) / RES_MS);
  const store = new SeriesStore();
  let t0 = performance.now();
  for (let h = 0; h < SERIES; h++) {
    const tags = tagsOf(h);
    const batch = [];
    for (let i = 0; i < perSeries; i++) batch.push({ name: 'cpu_usage', value: valueOf(h, i), timestamp: start + i * RES_MS, tags, client: 'bench' });
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
}

/**
 * Restart: the service's start-up load of a day of data, timed side by side in one run (median of
 * RUNS, alternating): today's replay of the whole JSON-lines log vs the segments (plus the log after
 * the byte they cover), then a crash an hour after the last snapshot (segments + an hour of log).
 */
async function restartBench(): Promise<void> {
  const { SeriesStore } = await importFromTree<typeof StoreModule>(tree, 'storage/series-store.ts');
  const { encodeLines } = await importFromTree<typeof LineModule>(tree, 'storage/line-format.ts');
  const { SegmentStore, segmentDir } = await importFromTree<typeof SegmentsModule>(tree, 'storage/segments/segment-store.ts');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ms-bench-restart-'));
  try {
    const dataFile = path.join(dir, 'metrics.jsonl');
    const appendLog = (from: number, to: number): void => {
      // In time order across series, as the service writes a live feed.
      for (let t = from; t < to; t += RES_MS * 60) {
        const batch = [];
        for (let tt = t; tt < Math.min(to, t + RES_MS * 60); tt += RES_MS) {
          const i = (tt - START) / RES_MS;
          for (let h = 0; h < SERIES; h++) batch.push({ name: 'cpu_usage', value: valueOf(h, i), timestamp: tt, tags: tagsOf(h), client: 'bench' });
        }
        appendFileSync(dataFile, encodeLines(batch));
      }
    };
    let t0 = performance.now();
    appendLog(START, END);
    const logMb = statSync(dataFile).size / 1e6;
    console.log(`log: ${SERIES} series x ${HOURS} h at ${RES_MS / 1000} s, ${logMb.toFixed(0)} MB, written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const open = (): { store: StoreModule.SeriesStore; segments: SegmentsModule.SegmentStore; ms: number; fromSegments: number; replayed: number } => {
      const store = new SeriesStore();
      const segments = new SegmentStore({ dataFile, partitionMs: 3_600_000, log: () => {} });
      const t = performance.now();
      const r = segments.load(store, -Infinity);
      return { store, segments, ms: performance.now() - t, fromSegments: r.fromSegments, replayed: r.loaded - r.fromSegments };
    };
    // The first start writes every partition (what a start on an existing log without segments does once).
    const first = open();
    t0 = performance.now();
    first.segments.snapshot(first.store);
    const firstSnapshotMs = performance.now() - t0;
    const points = first.store.size.points;
    const segMb = dirBytes(segmentDir(dataFile)) / 1e6;
    console.log(`points: ${points.toLocaleString('en')}; first snapshot (${first.segments.current()!.partitions.length} partitions, ${segMb.toFixed(1)} MB) written in ${firstSnapshotMs.toFixed(0)} ms`);

    const logOnly: number[] = [];
    const fromSegments: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const t = performance.now();
      const full = new SeriesStore();
      full.loadFile(dataFile);
      logOnly.push(performance.now() - t);
      const seg = open();
      if (seg.fromSegments !== points || seg.replayed !== 0 || full.size.points !== points) throw new Error('restart from segments did not load exactly the log');
      if (checksum(seg.store) !== checksum(full)) throw new Error('segments and log replay differ');
      fromSegments.push(seg.ms);
    }

    // A crash an hour after the snapshot: the log has an hour more, the segments do not.
    appendLog(END, END + 3_600_000);
    const crash: number[] = [];
    let replayed = 0;
    let snapshotMs = NaN;
    for (let r = 0; r < RUNS; r++) {
      const seg = open();
      crash.push(seg.ms);
      replayed = seg.replayed;
      if (r === RUNS - 1) {
        const t = performance.now();
        seg.segments.snapshot(seg.store); // what the next clean stop writes: the hour's partition + manifest
        snapshotMs = performance.now() - t;
      }
    }
    const row = (label: string, n: number, xs: number[]): string => `| ${label} | ${n.toLocaleString('en')} | ${median(xs).toFixed(0)} | ${xs.map((x) => x.toFixed(0)).join(', ')} |`;
    console.log(`\n| restart | points loaded | median ms | runs (ms) |\n|---|---:|---:|---|`);
    console.log(row('log alone: replay every JSON line', points, logOnly));
    console.log(row('segments + log after them (clean stop)', points, fromSegments));
    console.log(row(`segments + 1 h of log (crash, ${replayed.toLocaleString('en')} lines replayed)`, points + replayed, crash));
    console.log(`\nlog alone / segments: ${(median(logOnly) / median(fromSegments)).toFixed(1)}x; snapshot at the next clean stop (1 partition + manifest): ${snapshotMs.toFixed(0)} ms`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Digest of every series (identity, times, values) in store order: equal stores give equal digests. */
function checksum(store: StoreModule.SeriesStore): string {
  const hash = createHash('sha256');
  for (const s of store.allSeries()) {
    const { times, values } = s.columns.view(0, s.columns.length);
    hash.update(JSON.stringify([s.name, s.tags]));
    hash.update(new Uint8Array(times.buffer, times.byteOffset, times.byteLength));
    hash.update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  }
  return hash.digest('hex');
}

function dirBytes(dir: string): number {
  let bytes = 0;
  for (const f of readdirSync(dir)) bytes += statSync(path.join(dir, f)).size;
  return bytes;
}
