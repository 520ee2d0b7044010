import { expect, test } from 'vitest';
import { SCENARIO_TEST, expectRuns } from './assertions.ts';
import { runScenario, type Outcome } from './driver-client.ts';

interface Report {
  allStarted: boolean;
  closedWhileBusy: boolean;
  finished: boolean;
  closeError?: string;
  secondClosedWhileBusy: boolean;
  secondFinished: boolean;
  secondError?: string;
  atClose: Outcome[];
  late: Outcome[];
  workersAfter: number;
  runs: number[];
}

test('close() lets every queued and running task finish, refuses new ones, then ends the workers', SCENARIO_TEST, async () => {
  const size = 2;
  const queued = 10;
  const { report: r, exitedAlone } = await runScenario<Report>({ scenario: 'graceful-drain', params: { size, queued } });
  expect(r.allStarted, `Expected both workers to start a held task`).toBe(true);
  expect(r.closeError, `Expected close() to resolve, it rejected`).toBeUndefined();
  expect(r.closedWhileBusy, 'Expected close() to wait while tasks still run, but it resolved at once').toBe(false);
  expect(r.finished, 'Expected close() to resolve once the running and queued tasks finished').toBe(true);
  expect(r.secondError, 'Expected a second close() call to resolve like the first, it rejected').toBeUndefined();
  expect(r.secondClosedWhileBusy, 'Expected a second close() call to wait for the drain like the first (return the same promise), but it resolved while tasks still ran').toBe(false);
  expect(r.secondFinished, 'Expected a second close() call to resolve once the pool drained').toBe(true);
  const notDone = r.atClose.filter((o) => o.state !== 'fulfilled');
  if (notDone.length) {
    const dropped = notDone.filter((o) => o.seq >= size);
    throw new Error(
      `close() dropped ${dropped.length} queued task(s) and ${notDone.length - dropped.length} running one(s): ` +
        `when close() resolved, tasks ${notDone.map((o) => `${o.seq} (${o.state}${o.errorName ? ` ${o.errorName}` : ''})`).join(', ')} had not completed. ` +
        'close() must drain the queue, not discard it',
    );
  }
  expectRuns(r.runs, r.atClose.map((o) => o.seq), 1, 'each task accepted before close() runs once');
  expect(r.late[0]?.errorName, 'Expected submit() after close() to reject with PoolClosedError').toBe('PoolClosedError');
  expectRuns(r.runs, r.late.map((o) => o.seq), 0, 'a task refused after close() must not run');
  expect(r.workersAfter, `Expected 0 live workers after close(), stats() says ${r.workersAfter}`).toBe(0);
  expect(exitedAlone, 'worker leak: after close() resolved, the thread that owned the pool could not exit — some worker is still running').toBe(true);
});

interface RunningReport {
  allStarted: boolean;
  closedWhileAllRan: boolean;
  closedWhileOneRan: boolean;
  firstRunning: boolean;
  finished: boolean;
  closeError?: string;
  atClose: Outcome[];
  runs: number[];
}

// The drain must wait for running tasks too, not only for the queue: with nothing queued, the last
// tasks of a burst are exactly the ones a close() that checks only the queue would cut off.
test('close() with nothing queued waits for every running task, also after the other workers went idle', SCENARIO_TEST, async () => {
  const size = 2;
  const { report: r, exitedAlone } = await runScenario<RunningReport>({ scenario: 'drain-running', params: { size } });
  expect(r.allStarted, `Expected both workers to start a held task`).toBe(true);
  expect(r.closeError, `Expected close() to resolve, it rejected`).toBeUndefined();
  expect(
    r.closedWhileAllRan,
    `close() resolved while ${size} tasks were still running and none was queued: close() must wait until no worker is busy, not only until the queue is empty`,
  ).toBe(false);
  expect(r.firstRunning, 'Expected held task 0 to keep running until released').toBe(true);
  expect(
    r.closedWhileOneRan,
    'close() resolved when one worker went idle while task 0 still ran on the other: resolve the drain only when the queue is empty and no worker is busy',
  ).toBe(false);
  expect(r.finished, 'Expected close() to resolve once the last running task finished').toBe(true);
  const notDone = r.atClose.filter((o) => o.state !== 'fulfilled');
  if (notDone.length) {
    throw new Error(
      `close() dropped ${notDone.length} running task(s): when close() resolved, tasks ${notDone.map((o) => `${o.seq} (${o.state}${o.errorName ? ` ${o.errorName}` : ''})`).join(', ')} ` +
        'had not completed. close() must let every running task finish before it terminates the workers',
    );
  }
  expectRuns(r.runs, r.atClose.map((o) => o.seq), 1, 'each task accepted before close() runs once');
  expect(exitedAlone, 'worker leak: after close() resolved, the thread that owned the pool could not exit — some worker is still running').toBe(true);
});
