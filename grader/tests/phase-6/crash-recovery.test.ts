import { expect, test } from 'vitest';
import { SCENARIO_TEST, expectAllSettled, expectOwnResults, expectRuns } from './assertions.ts';
import { runScenario, type Outcome } from './driver-client.ts';

interface Report {
  outcomes: Outcome[];
  after: Outcome[];
  refilled: boolean;
  workersAfter: number;
  runs: number[];
}

test('a crashed worker is replaced; its task fails with WorkerCrashedError, nothing is lost or run twice', SCENARIO_TEST, async () => {
  const size = 2;
  const tasks = 8;
  const crashEvery = 4;
  const { report: r } = await runScenario<Report>({ scenario: 'crash-recovery', params: { size, tasks, crashEvery } });
  const crashed = r.outcomes.filter((o) => o.seq % crashEvery === 1);
  const normal = r.outcomes.filter((o) => o.seq % crashEvery !== 1);
  const lostCrash = crashed.filter((o) => o.state === 'pending').map((o) => o.seq);
  if (lostCrash.length) {
    throw new Error(
      `the task of a crashed worker was lost: task(s) ${lostCrash.join(', ')} never settled after their worker exited. ` +
        `On a worker's 'exit' the pool must reject its task with WorkerCrashedError`,
    );
  }
  expectAllSettled(r.outcomes, 'tasks queued behind crashing ones');
  for (const o of crashed) {
    expect(o.state, `Expected task ${o.seq}, whose worker crashed, to reject`).toBe('rejected');
    expect(o.errorName, `Expected task ${o.seq} to reject with WorkerCrashedError, got ${o.errorName}: ${o.errorMessage}`).toBe('WorkerCrashedError');
  }
  for (const o of normal) {
    expect(o.state, `Expected task ${o.seq} to resolve despite crashes of other tasks, got ${o.errorName}: ${o.errorMessage}`).toBe('fulfilled');
  }
  expectOwnResults(r.outcomes);
  expectRuns(r.runs, r.outcomes.map((o) => o.seq), 1, 'a crashed task must not be retried, the others run once');
  expect(r.refilled, `Expected the pool to be back at ${size} live workers after the crashes, got ${r.workersAfter}: replace every crashed worker`).toBe(true);
  expectAllSettled(r.after, 'tasks submitted after the crashes');
  expect(r.after.every((o) => o.state === 'fulfilled'), 'Expected tasks submitted after the crashes to succeed').toBe(true);
});
