import os from 'node:os';
import type { ParserRow } from './parser-bench.ts';
import type { ContenderRuns } from './side-by-side.ts';
import { int, ms, showSpread, spread } from './summary.ts';
import type { Target } from './targets.ts';
import { WORKLOADS } from './workloads.ts';

/** A plain table: header row + rows, columns padded; markdown when `md`. */
export function table(head: string[], rows: string[][], md: boolean): string {
  if (md) return [head, head.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [head, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ')).join('\n');
}

export function loadTable(all: readonly ContenderRuns[], md: boolean): string {
  const rows: string[][] = [];
  for (const w of WORKLOADS) {
    for (const c of all) {
      const runs = c.runs.get(w.id);
      if (!runs?.length) continue;
      const failed = runs.reduce((n, r) => n + r.failed, 0);
      rows.push([
        w.title,
        c.name,
        showSpread(spread(runs.map((r) => r.rps)), int),
        showSpread(spread(runs.map((r) => r.metricsPerSec)), int),
        showSpread(spread(runs.map((r) => r.p50)), ms),
        showSpread(spread(runs.map((r) => r.p99)), ms),
        String(failed),
        c.lost > 0 ? `${c.lost} LOST` : c.extra > 0 ? `all (+${c.extra} unconfirmed)` : 'all',
      ]);
    }
  }
  return table(['workload', 'server', 'req/s', 'metrics/s', 'p50 ms', 'p99 ms', 'non-200', 'on disk'], rows, md);
}

export function parserTable(rows: readonly ParserRow[], md: boolean): string {
  return table(
    ['metrics', 'bytes', 'JSON.parse + validate µs', 'reference parser + validate µs', 'ratio (JSON / reference)'],
    rows.map((r) => [String(r.metrics), int(r.bytes), showSpread(r.jsonParseUs, (n) => n.toFixed(1)), showSpread(r.referenceUs, (n) => n.toFixed(1)), showSpread(r.ratio, (n) => `${n.toFixed(2)}x`)]),
    md,
  );
}

export function targetTable(targets: readonly Target[], md: boolean): string {
  const verdict = (t: Target): string => (t.met === undefined ? 'not run' : t.met ? 'met' : 'MISSED');
  return table(['target', 'goal', 'measured (median, spread)', 'verdict'], targets.map((t) => [t.what, t.goal, t.measured, verdict(t)]), md);
}

export function machineLine(): string {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}`;
}
