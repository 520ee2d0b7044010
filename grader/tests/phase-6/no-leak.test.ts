import { expect, test } from 'vitest';
import { SCENARIO_TEST, expectAllSettled } from './assertions.ts';
import { runScenario, type Outcome } from './driver-client.ts';

interface Report {
  threadsBefore: number;
  threadsRunning: number;
  threadsAfterCrashes: number;
  threadsAfterClose: number;
  outcomes: Outcome[];
}

test('no worker leak: crashes keep the thread count steady and close() ends every worker', SCENARIO_TEST, async () => {
  const size = 2;
  const crashes = 2;
  const { report: r, exitedAlone } = await runScenario<Report>({ scenario: 'no-leak', params: { size, crashes } });
  expectAllSettled(r.outcomes, 'tasks');
  // Threads of the whole process, read from /proc: what really runs, not what the pool reports.
  expect(r.threadsRunning, `Expected the pool to run threads while alive (before: ${r.threadsBefore})`).toBeGreaterThan(r.threadsBefore);
  expect(
    r.threadsAfterCrashes,
    `worker leak: ${crashes} crashes changed the process's threads from ${r.threadsRunning} to ${r.threadsAfterCrashes}; ` +
      'replace each crashed worker by exactly one new worker',
  ).toBe(r.threadsRunning);
  expect(
    r.threadsAfterClose,
    `worker leak: ${r.threadsAfterClose} threads after close(), ${r.threadsBefore} before the pool existed; terminate every worker`,
  ).toBeLessThanOrEqual(r.threadsBefore);
  expect(exitedAlone, 'worker leak: after close() resolved, the thread that owned the pool could not exit — some worker is still running').toBe(true);
});
