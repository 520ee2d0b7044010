import { expect, test } from 'vitest';
import { SCENARIO_TEST, expectAllSettled, expectOwnResults, expectRuns } from './assertions.ts';
import { runScenario, type Outcome } from './driver-client.ts';
import type { PoolStatsSeen } from './fixtures/driver.ts';

interface Report {
  outcomes: Outcome[];
  after: Outcome[];
  refilled: boolean;
  workersAfter: number;
  runs: number[];
  stats: PoolStatsSeen;
}

// How crash #n of the scenario ends its worker (driver.ts: 'crash-recovery').
const HOW = ['process.exit(7)', 'process.exit(0)', 'an uncaught error outside the handler'];

test('a crashed worker is replaced; its task fails with WorkerCrashedError, nothing is lost or run twice', SCENARIO_TEST, async () => {
  const size = 2;
  const tasks = 12;
  const crashEvery = 4;
  const { report: r } = await runScenario<Report>({ scenario: 'crash-recovery', params: { size, tasks, crashEvery } });
  const crashed = r.outcomes.filter((o) => o.seq % crashEvery === 1);
  const normal = r.outcomes.filter((o) => o.seq % crashEvery !== 1);
  const lostCrash = crashed.filter((o) => o.state === 'pending').map((o) => `${o.seq} (${HOW[Math.floor(o.seq / crashEvery) % 3]})`);
  if (lostCrash.length) {
    throw new Error(
      `the task of a crashed worker was lost: task(s) ${lostCrash.join(', ')} never settled after their worker exited. ` +
        'Every exit the pool did not cause is a crash, whatever its exit code. ' +
        `On a worker's 'exit' the pool must reject its task with WorkerCrashedError`,
    );
  }
  expectAllSettled(r.outcomes, 'tasks queued behind crashing ones');
  for (const o of crashed) {
    const how = HOW[Math.floor(o.seq / crashEvery) % 3];
    expect(o.state, `Expected task ${o.seq}, whose worker crashed (${how}), to reject`).toBe('rejected');
    expect(
      o.errorName,
      `Expected task ${o.seq}, whose worker ended with ${how}, to reject with WorkerCrashedError, got ${o.errorName}: ${o.errorMessage} ` +
        '(every exit the pool did not cause is a crash, whatever its exit code)',
    ).toBe('WorkerCrashedError');
  }
  // The uncaught error is the reason of that crash: a WorkerCrashedError without it says nothing useful.
  for (const o of crashed.filter((c) => Math.floor(c.seq / crashEvery) % 3 === 2)) {
    expect(
      o.errorMessage,
      `Expected the WorkerCrashedError of task ${o.seq}, whose worker died of an uncaught error, to name that error (its 'error' event is the cause of the crash), got: ${o.errorMessage}`,
    ).toContain(`fixture uncaught error in task ${o.seq}`);
  }
  for (const o of normal) {
    expect(o.state, `Expected task ${o.seq} to resolve despite crashes of other tasks, got ${o.errorName}: ${o.errorMessage}`).toBe('fulfilled');
  }
  expectOwnResults(r.outcomes);
  expectRuns(r.runs, r.outcomes.map((o) => o.seq), 1, 'a crashed task must not be retried, the others run once');
  expect(r.refilled, `Expected the pool to be back at exactly ${size} live workers after the crashes, got ${r.workersAfter}: replace every crashed worker by exactly one new worker`).toBe(true);
  expectAllSettled(r.after, 'tasks submitted after the crashes');
  expect(r.after.every((o) => o.state === 'fulfilled'), 'Expected tasks submitted after the crashes to succeed').toBe(true);
  const { crashed: c, failed, completed } = r.stats;
  expect(c, `Expected stats().crashed = ${crashed.length} (workers that died and were replaced), got ${c}`).toBe(crashed.length);
  expect(failed, `Expected stats().failed = ${crashed.length} (tasks settled with an error, crashes included), got ${failed}`).toBe(crashed.length);
  expect(completed, `Expected stats().completed = ${normal.length + r.after.length}, got ${completed}`).toBe(normal.length + r.after.length);
});

test('a handler that cannot load fails the pool with PoolStartError instead of restarting workers forever', SCENARIO_TEST, async () => {
  const tasks = 3;
  const { report: r } = await runScenario<{ outcomes: Outcome[]; late: Outcome[]; stats: PoolStatsSeen }>({ scenario: 'start-failure', params: { size: 2, tasks } });
  const lost = r.outcomes.filter((o) => o.state === 'pending').map((o) => o.seq);
  if (lost.length) {
    throw new Error(
      `tasks ${lost.join(', ')} never settled although every worker died before it said 'ready' (its handler module cannot load): ` +
        'a worker that exits before ready must fail the pool with PoolStartError — a replacement would die the same way',
    );
  }
  for (const o of [...r.outcomes, ...r.late]) {
    expect(
      o.errorName,
      `Expected task ${o.seq} to reject with PoolStartError when the handler module cannot load (the worker exited before 'ready'), got ${o.state} ${o.errorName ?? ''}: ${o.errorMessage ?? ''}`,
    ).toBe('PoolStartError');
    expect(
      o.errorMessage,
      `Expected the PoolStartError of task ${o.seq} to name why the worker could not start (the error its handler module threw while loading), got: ${o.errorMessage}`,
    ).toContain('fixture handler failed to load');
  }
  const { failed, completed } = r.stats;
  expect(
    [completed, failed],
    `Expected stats() completed/failed = 0/${tasks} once the pool failed to start: every accepted task settled with PoolStartError, got ${completed}/${failed}`,
  ).toEqual([0, tasks]);
});

test('a close() waiting for tasks resolves when the pool fails to start', SCENARIO_TEST, async () => {
  const { report: r } = await runScenario<{ outcomes: Outcome[]; closeResolved: boolean; closeError?: string }>({
    scenario: 'start-failure',
    params: { size: 2, tasks: 3, closeEarly: 1 },
  });
  expectAllSettled(r.outcomes, 'tasks submitted to a pool whose handler cannot load');
  for (const o of r.outcomes) {
    expect(o.errorName, `Expected task ${o.seq} to reject with PoolStartError (the handler module cannot load), got ${o.state} ${o.errorName ?? ''}: ${o.errorMessage ?? ''}`).toBe('PoolStartError');
  }
  expect(r.closeError, `Expected close() to resolve, it rejected: ${r.closeError}`).toBeUndefined();
  expect(
    r.closeResolved,
    'close() never resolved: it was waiting for running tasks when the pool failed with PoolStartError; once those tasks are failed nothing runs, so the pending drain must finish',
  ).toBe(true);
});
