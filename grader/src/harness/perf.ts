import { startService, type RunningService, type ServiceOptions } from './service.ts';
import { TARGET } from './target.ts';

/** What a performance probe returns: the graded value plus the numbers behind it. */
export interface Measurement {
  /** Compared with the check's threshold (usually a ratio learner / baseline from this run). */
  value: number;
  /** Everything measured, shown in the report and kept in the results history. */
  details: Record<string, number | string>;
}

export interface PerfContext {
  /** Root of the tree being graded. */
  target: string;
  /** Start the target's service; every service started here is stopped after the probe. */
  startService(opts: ServiceOptions): Promise<RunningService>;
  /** Progress note shown with --verbose. */
  log(message: string): void;
}

/** A performance probe: measures the learner's code and a baseline side by side, in one run. */
export type PerfProbe = (ctx: PerfContext) => Promise<Measurement>;

export const definePerfProbe = (probe: PerfProbe): PerfProbe => probe;

/** Context used by the probe runner (grader/src/perf/probe-child.ts). */
export function createPerfContext(log: (m: string) => void): { ctx: PerfContext; cleanup(): Promise<void> } {
  const running: RunningService[] = [];
  const ctx: PerfContext = {
    target: TARGET,
    async startService(opts) {
      const svc = await startService(opts);
      running.push(svc);
      return svc;
    },
    log,
  };
  return { ctx, cleanup: async () => void (await Promise.all(running.map((s) => s.stop()))) };
}
