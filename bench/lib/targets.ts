import type { ParserRow } from './parser-bench.ts';
import type { ContenderRuns } from './side-by-side.ts';
import { spread, type Spread } from './summary.ts';
import type { Workload, WorkloadResult } from './workloads.ts';

/**
 * The slow-disk contender's delay per flush: longer than a request may wait for room in the writer
 * (WAIT_FOR_ROOM_MS, 250 ms), so its writer really stays behind and 503s are the right answer. A
 * disk 20 ms slow per flush no longer is one: one fsync per up to 16,384 metrics keeps up with it.
 */
export const SLOW_DISK_MS = 500;

export const NAMES = {
  final: 'MetricStream (final)',
  plain: 'plain Node http',
  fastify: 'Fastify',
  poc: 'MetricStream (phase 0)',
  slowDisk: `MetricStream (final, ${SLOW_DISK_MS} ms disk)`,
} as const;

export interface Target {
  what: string;
  goal: string;
  measured: string;
  met: boolean | undefined; // undefined: not measured in this run
}

/** Per-repetition ratio of two contenders on one workload (same repetition = same machine weather). */
function ratio(all: readonly ContenderRuns[], a: string, b: string, id: Workload['id'], pick: (r: WorkloadResult) => number): Spread | undefined {
  const ra = all.find((c) => c.name === a)?.runs.get(id);
  const rb = all.find((c) => c.name === b)?.runs.get(id);
  if (!ra?.length || !rb?.length) return undefined;
  return spread(ra.map((r, i) => pick(r) / pick(rb[Math.min(i, rb.length - 1)]!)));
}

const x = (s: Spread): string => `${s.median.toFixed(2)}x (${s.min.toFixed(2)}–${s.max.toFixed(2)})`;
const msOf = (s: Spread): string => `${s.median.toFixed(3)} ms (${s.min.toFixed(3)}–${s.max.toFixed(3)})`;
const runsOf = (all: readonly ContenderRuns[], name: string, id: Workload['id']): WorkloadResult[] => all.find((c) => c.name === name)?.runs.get(id) ?? [];

/**
 * The targets, each as measured in this run: a ratio target is met when the median ratio of the
 * repetitions reaches it under autocannon and, when wrk ran, under wrk too (both must agree).
 */
export function judgeTargets(all: readonly ContenderRuns[], parser: readonly ParserRow[] | undefined): Target[] {
  const out: Target[] = [];
  const atLeast = (what: string, goal: number, byGenerator: Array<[string, Spread | undefined]>): void => {
    const measured = byGenerator.filter((g): g is [string, Spread] => g[1] !== undefined);
    out.push({
      what,
      goal: `>= ${goal.toFixed(1)}x`,
      measured: measured.length ? measured.map(([gen, s]) => (byGenerator.length > 1 ? `${gen} ${x(s)}` : x(s))).join('; ') : 'not run',
      met: measured.length ? measured.every(([, s]) => s.median >= goal) : undefined,
    });
  };
  const both = (a: string, b: string, id: 'batch1' | 'batch100', pick: (r: WorkloadResult) => number): Array<[string, Spread | undefined]> => {
    const withWrk = ratio(all, a, b, `${id}-wrk`, pick);
    return withWrk ? [['autocannon', ratio(all, a, b, id, pick)], ['wrk', withWrk]] : [['autocannon', ratio(all, a, b, id, pick)]];
  };
  atLeast(`1 metric/request req/s: final / plain Node`, 1.3, both(NAMES.final, NAMES.plain, 'batch1', (r) => r.rps));
  atLeast(`1 metric/request req/s: final / Fastify`, 1.0, both(NAMES.final, NAMES.fastify, 'batch1', (r) => r.rps));
  atLeast(`100 metrics/request metrics/s: final / plain Node`, 1.5, both(NAMES.final, NAMES.plain, 'batch100', (r) => r.metricsPerSec));

  const paced = runsOf(all, NAMES.final, 'paced');
  const pacedPlain = runsOf(all, NAMES.plain, 'paced');
  const p50 = paced.length ? spread(paced.map((r) => r.p50)) : undefined;
  const p50Plain = pacedPlain.length ? spread(pacedPlain.map((r) => r.p50)) : undefined;
  out.push({
    what: 'p50 at 2,253 req/s (final), and below plain Node in the same run',
    goal: '<= 0.25 ms, < plain Node',
    measured: p50 ? `${msOf(p50)}${p50Plain ? `; plain Node ${msOf(p50Plain)}` : ''}` : 'not run',
    met: p50 ? p50.median <= 0.25 && (!p50Plain || p50.median < p50Plain.median) : undefined,
  });
  for (const row of parser ?? []) atLeast(`parse + validate at ${row.metrics} metrics: JSON.parse time / reference time`, 1.0, [['', row.ratio]]);

  // Back pressure only when the disk really falls behind: at these loads, a 503 is a request a peer took.
  const final = all.find((c) => c.name === NAMES.final);
  const refused = final ? [...final.runs.values()].flat().reduce((n, r) => n + r.failed, 0) : 0;
  out.push({ what: 'MetricStream (final) answers every request 200 (every workload)', goal: '0 non-200', measured: `${refused} non-200`, met: final ? refused === 0 : undefined });
  // Where the disk really falls behind, back pressure is the right answer: 503s with Retry-After.
  const slow = runsOf(all, NAMES.slowDisk, 'batch100');
  if (slow.length) {
    const refusedSlow = slow.reduce((n, r) => n + r.failed, 0);
    out.push({ what: `MetricStream (final) on a ${SLOW_DISK_MS} ms disk refuses with 503 when its writer falls behind`, goal: 'non-200 > 0', measured: `${refusedSlow} non-200`, met: refusedSlow > 0 });
  }
  const lost = all.reduce((n, c) => n + c.lost, 0);
  out.push({ what: 'every acknowledged metric on disk (all servers)', goal: '0 missing', measured: `${lost} missing`, met: lost === 0 });
  return out;
}
