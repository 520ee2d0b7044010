import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { countLines } from './disk.ts';
import { metricStream } from './servers.ts';
import { runWorkload, WORKLOADS } from './workloads.ts';

export interface JourneyPoint {
  level: number;
  rps: number;
  p99: number;
  /** Acknowledged metrics missing from the data file (must be 0). */
  lost: number;
}

/** The phase-by-phase journey: one reference tree at --level 0..7, 1 metric/request, same load each. */
export async function runJourney(tree: string, durationSec: number, warmupSec: number, connections: number, log: (l: string) => void): Promise<JourneyPoint[]> {
  const w = WORKLOADS.find((x) => x.id === 'batch1')!;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ms-journey-'));
  const points: JourneyPoint[] = [];
  try {
    for (let level = 0; level <= 7; level++) {
      const dataFile = path.join(dir, `level-${level}.jsonl`);
      const svc = await metricStream(`level ${level}`, tree, level).start(dataFile);
      let acknowledged = 0;
      let r;
      try {
        acknowledged += (await runWorkload(w, `${svc.url}/metrics`, warmupSec, connections)).ok;
        r = await runWorkload(w, `${svc.url}/metrics`, durationSec, connections);
        acknowledged += r.ok;
      } finally {
        await svc.stop(15_000);
      }
      const lost = Math.max(0, acknowledged - countLines(dataFile));
      points.push({ level, rps: r.rps, p99: r.p99, lost });
      log(`journey level ${level}: ${Math.round(r.rps)} req/s, p99 ${r.p99.toFixed(2)} ms, lost ${lost}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return points;
}
