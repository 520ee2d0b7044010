import type { ParserRow } from './parser-bench.ts';
import type { ContenderRuns } from './side-by-side.ts';
import { spread, type Spread } from './summary.ts';
import type { WorkloadResult } from './workloads.ts';

export const NAMES = { final: 'MetricStream (final)', plain: 'plain Node http', fastify: 'Fastify', poc: 'MetricStream (phase 0)' } as const;

export interface Target {
  what: string;
  goal: string;
  measured: string;
  met: boolean | undefined; // undefined: not measured in this run
}

/** Per-repetition ratio of two contenders on one workload (same repetition = same machine weather). */
function ratio(all: readonly ContenderRuns[], a: string, b: string, id: 'batch1' | 'batch100', pick: (r: WorkloadResult) => number): Spread | undefined {
  const ra = all.find((c) => c.name === a)?.runs.get(id);
  const rb = all.find((c) => c.name === b)?.runs.get(id);
  if (!ra?.length || !rb?.length) return undefined;
  return spread(ra.map((r, i) => pick(r) / pick(rb[Math.min(i, rb.length - 1)]!)));
}

const x = (s: Spread): string => `${s.median.toFixed(2)}x (${s.min.toFixed(2)}–${s.max.toFixed(2)})`;

/** The targets, each as measured in this run. */
export function judgeTargets(all: readonly ContenderRuns[], parser: readonly ParserRow[] | undefined): Target[] {
  const out: Target[] = [];
  const atLeast = (what: string, goal: number, s: Spread | undefined): void => {
    out.push({ what, goal: `>= ${goal.toFixed(1)}x`, measured: s ? x(s) : 'not run', met: s ? s.median >= goal : undefined });
  };
  atLeast(`1 metric/request req/s: final / plain Node`, 1.0, ratio(all, NAMES.final, NAMES.plain, 'batch1', (r) => r.rps));
  atLeast(`1 metric/request req/s: final / Fastify`, 1.0, ratio(all, NAMES.final, NAMES.fastify, 'batch1', (r) => r.rps));
  atLeast(`100 metrics/request metrics/s: final / plain Node`, 1.5, ratio(all, NAMES.final, NAMES.plain, 'batch100', (r) => r.metricsPerSec));
  const paced = all.find((c) => c.name === NAMES.final)?.runs.get('paced');
  const p50 = paced?.length ? spread(paced.map((r) => r.p50)) : undefined;
  out.push({ what: 'p50 at 2,253 req/s (final)', goal: '<= 0.25 ms', measured: p50 ? `${p50.median.toFixed(3)} ms (${p50.min.toFixed(3)}–${p50.max.toFixed(3)})` : 'not run', met: p50 ? p50.median <= 0.25 : undefined });
  for (const row of parser ?? []) atLeast(`parse + validate at ${row.metrics} metrics: JSON.parse time / reference time`, 1.0, row.ratio);
  const lost = all.reduce((n, c) => n + c.lost, 0);
  out.push({ what: 'every acknowledged metric on disk (all servers)', goal: '0 missing', measured: `${lost} missing`, met: lost === 0 });
  return out;
}
