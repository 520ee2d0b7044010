import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PHASES } from '../grader/src/registry/index.ts';
import { REPO_ROOT } from '../grader/src/harness/target.ts';
import { materializeReference, removeTree } from '../grader/src/tree/materialize.ts';
import { journeySvg } from './lib/chart.ts';
import { runJourney, type JourneyPoint } from './lib/journey.ts';
import { benchParsers, type ParserRow } from './lib/parser-bench.ts';
import { performanceDoc } from './lib/performance-doc.ts';
import { loadTable, machineLine, parserTable, targetTable } from './lib/report.ts';
import { metricStream, peer } from './lib/servers.ts';
import { sideBySide } from './lib/side-by-side.ts';
import { judgeTargets, NAMES, SLOW_DISK_MS } from './lib/targets.ts';
import { WORKLOADS } from './lib/workloads.ts';
import { wrkInstalled } from './lib/wrk.ts';

/**
 * `npm run bench`: the finished MetricStream against a plain Node http server, Fastify and the
 * phase-0 proof of concept, side by side in one run; then the parse + validate comparison and
 * the phase-by-phase journey. Writes docs/performance.md and docs/performance-journey.svg unless
 * --quick (or --out/--chart elsewhere).
 *   npm run bench -- [--duration 3] [--reps 3] [--warmup 1] [--workloads batch1,batch100,paced]
 *                    [--skip-parser] [--skip-journey] [--quick] [--out FILE] [--chart FILE] [--tree DIR]
 */
const { values } = parseArgs({
  options: {
    duration: { type: 'string' },
    reps: { type: 'string' },
    warmup: { type: 'string' },
    workloads: { type: 'string', default: WORKLOADS.map((w) => w.id).join(',') },
    'skip-parser': { type: 'boolean', default: false },
    'skip-journey': { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    out: { type: 'string' },
    chart: { type: 'string' },
    tree: { type: 'string' },
  },
});
const quick = values.quick!;
const num = (raw: string | undefined, fallback: number, flag: string): number => {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${flag} must be a positive number, got "${raw}"`);
  return n;
};
const durationSec = num(values.duration, quick ? 0.5 : 3, 'duration');
const reps = Math.round(num(values.reps, quick ? 1 : 3, 'reps'));
const warmupSec = num(values.warmup, quick ? 0.3 : 1, 'warmup');
const ids = values.workloads!.split(',').map((s) => s.trim());
const requested = ids.map((id) => {
  const w = WORKLOADS.find((x) => x.id === id);
  if (!w) throw new Error(`--workloads: unknown "${id}", known: ${WORKLOADS.map((x) => x.id).join(', ')}`);
  return w;
});
// wrk is the second opinion; without it the targets are judged on autocannon alone, and say so.
const workloads = wrkInstalled() ? requested : requested.filter((w) => w.generator !== 'wrk');
if (workloads.length < requested.length) console.log('wrk is not installed (Debian: apt install wrk): its workloads are left out, the targets rest on autocannon alone');
const out = values.out ?? (quick ? undefined : path.join(REPO_ROOT, 'docs/performance.md'));
const chart = values.chart ?? (quick ? undefined : path.join(REPO_ROOT, 'docs/performance-journey.svg'));
const command = `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim();

const last = PHASES.filter((p) => p.checks.length > 0).at(-1)!;
const tree = values.tree ?? materializeReference();
const log = (line: string): void => console.log(line);
log(`tree ${tree} (phase ${last.id} reference); ${reps} rep(s) x ${durationSec} s per workload, warm-up ${warmupSec} s`);

try {
  const all = await sideBySide({
    contenders: [
      metricStream(NAMES.final, tree, last.id),
      peer(NAMES.plain, 'plain-node', tree),
      peer(NAMES.fastify, 'fastify', tree),
      metricStream(NAMES.poc, tree, 0),
      // The same service on a disk SLOW_DISK_MS slow per flush: here the writer really falls behind, and 503s are right.
      metricStream(NAMES.slowDisk, tree, last.id, { args: ['--disk-latency-ms', String(SLOW_DISK_MS)], only: ['batch100'] }),
    ],
    workloads,
    reps,
    durationSec,
    warmupSec,
    log,
  });
  const parser: ParserRow[] | undefined = values['skip-parser'] ? undefined : await benchParsers(tree, [10, 100, 1000], quick ? 2 : 7, quick ? 20 : 60);
  const journey: JourneyPoint[] | undefined = values['skip-journey'] ? undefined : await runJourney(tree, quick ? 0.5 : 3, quick ? 0.2 : 1, 10, log);
  const targets = judgeTargets(all, parser);

  log('\n' + loadTable(all, false));
  if (parser) log('\nparse + validate, per request body\n' + parserTable(parser, false));
  log('\ntargets (ratios from this run)\n' + targetTable(targets, false));

  const lost = all.some((c) => c.lost > 0) || (journey ?? []).some((p) => p.lost > 0);
  if (out) {
    writeFileSync(out, performanceDoc({ machine: machineLine(), command, date: new Date().toISOString(), all, parser, targets, journey, chartFile: chart && path.basename(chart) }, out));
    log(`\nwrote ${path.relative(process.cwd(), out)}`);
  }
  if (chart && journey) {
    writeFileSync(chart, journeySvg(journey, `1 metric/request, 10 keep-alive connections, ${quick ? 0.5 : 3} s per level; ${machineLine()}`));
    log(`wrote ${path.relative(process.cwd(), chart)}`);
  }
  if (lost) {
    console.error('error: acknowledged metrics are missing from a data file (see "on disk")');
    process.exitCode = 1;
  }
} finally {
  if (!values.tree) removeTree(tree);
}
