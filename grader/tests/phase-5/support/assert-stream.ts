import { expect } from 'vitest';
import { seedTag } from '../../../src/harness/random.ts';
import type { StreamOptions } from './run.ts';
import type { ConsumerReport } from './ring-worker.ts';

/** Fail with the first wrong record (classified: lost, stale/duplicate, changed) or a wrong count. */
export function assertStream(report: ConsumerReport, opts: StreamOptions, what: string): void {
  const laps = Math.floor(opts.count / opts.capacity);
  expect(
    report.firstMismatch,
    `${what}: ${report.mismatches} wrong record(s) of ${opts.count}; first: ${report.firstMismatch} ${seedTag()}`,
  ).toBeNull();
  expect(
    report.received,
    `${what}: expected the consumer to receive exactly ${opts.count} records (${laps} laps of a ${opts.capacity}-slot ring), got ${report.received} ${seedTag()}`,
  ).toBe(opts.count);
}
