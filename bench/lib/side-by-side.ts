import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { countLines } from './disk.ts';
import type { Contender } from './servers.ts';
import { runWorkload, WORKLOADS, type Workload, type WorkloadResult } from './workloads.ts';

export interface SideBySideOptions {
  contenders: readonly Contender[];
  workloads?: readonly Workload[];
  reps: number;
  durationSec: number;
  warmupSec: number;
  log?: (line: string) => void;
}

export interface ContenderRuns {
  name: string;
  /** workload id -> one result per repetition. */
  runs: Map<Workload['id'], WorkloadResult[]>;
  /** Metrics answered 200 that were not in the data file after the server exited (must be 0). */
  lost: number;
  /**
   * Lines beyond what the client saw acknowledged: requests still in flight when the load generator
   * stopped (at most connections x batch per run), which the server stored and answered too late.
   */
  extra: number;
}

/**
 * Each repetition starts every contender in turn in its own process (the order rotates per
 * repetition, so no server always runs right after another's noise), warms it up, runs every
 * workload, stops it (SIGTERM: it drains), and counts the lines of its data file against the
 * metrics it acknowledged.
 */
export async function sideBySide(o: SideBySideOptions): Promise<ContenderRuns[]> {
  const workloads = o.workloads ?? WORKLOADS;
  const log = o.log ?? (() => {});
  const out = o.contenders.map((c): ContenderRuns => ({ name: c.name, runs: new Map(workloads.map((w) => [w.id, []])), lost: 0, extra: 0 }));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ms-bench-'));
  try {
    for (let rep = 0; rep < o.reps; rep++) {
      for (let k = 0; k < o.contenders.length; k++) {
        const i = (k + rep) % o.contenders.length;
        const contender = o.contenders[i]!;
        const mine = workloads.filter((x) => !contender.only || contender.only.includes(x.id));
        if (mine.length === 0) continue; // none of its workloads is in this run: not even started
        const dataFile = path.join(dir, `rep${rep}-${i}.jsonl`);
        const svc = await contender.start(dataFile);
        let acknowledged = 0;
        try {
          for (const w of mine) {
            // Warm-up: JIT, pool threads and sockets ready before anything is measured (by autocannon
            // for every workload: wrk counts whole seconds, and the warm-up is the server's, not the generator's).
            const warm = await runWorkload({ ...w, generator: undefined }, `${svc.url}/metrics`, o.warmupSec);
            acknowledged += warm.ok * w.metricsPerRequest;
            const r = await runWorkload(w, `${svc.url}/metrics`, o.durationSec);
            acknowledged += r.ok * w.metricsPerRequest;
            out[i]!.runs.get(w.id)!.push(r);
            log(`rep ${rep + 1}/${o.reps} ${contender.name.padEnd(22)} ${w.id.padEnd(8)} ${Math.round(r.rps)} req/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, failed ${r.failed}`);
          }
        } finally {
          const code = await svc.stop(15_000);
          if (code !== 0) log(`${contender.name} exited with code ${code}:\n${svc.output()}`);
        }
        const lines = countLines(dataFile);
        out[i]!.lost += Math.max(0, acknowledged - lines);
        out[i]!.extra += Math.max(0, lines - acknowledged);
        rmSync(dataFile, { force: true });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
