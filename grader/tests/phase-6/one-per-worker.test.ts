import { expect, test } from 'vitest';
import { SCENARIO_TEST, expectAllSettled, expectOwnResults } from './assertions.ts';
import { runScenario, type Outcome } from './driver-client.ts';

interface Report {
  heldThread: number;
  allStarted: boolean;
  released: boolean;
  busyAfterRelease: number;
  depthAfterRelease: number;
  oneByOne: Outcome[];
  oneByOneAtOpen: Outcome[];
  burst: Outcome[];
  burstAtOpen: Outcome[];
  busyInBurst: number;
  depthInBurst: number;
  heldStillRunning: boolean;
  held: Outcome[];
  runs: number[];
}

// Check `one-per-worker`: a partly busy pool. Every worker takes a held task, all but the last are
// released; then new tasks, one at a time and in a burst, must go to the idle workers while the
// last one still runs its task — a task handed to that worker would wait behind it.
test('one task per worker: new tasks go to idle workers at once, never to the worker still running one', SCENARIO_TEST, async () => {
  const size = 3;
  const maxQueue = 2;
  const { report: r } = await runScenario<Report>({ scenario: 'one-per-worker', params: { size, maxQueue } });
  const where = `(size ${size}, maxQueue ${maxQueue}, held task ${size - 1} still running)`;
  const heldTask = size - 1;
  expect(r.allStarted, `Expected all ${size} workers to start a held task at once ${where}`).toBe(true);
  expect(r.released, `Expected the released held tasks to settle ${where}`).toBe(true);
  expect(r.heldStillRunning, `Expected held task ${heldTask} to keep running until released ${where}`).toBe(true);
  expect(
    [r.busyAfterRelease, r.depthAfterRelease],
    `Expected busyWorkers 1 and queueDepth 0 with one worker still running a task ${where}, got ${r.busyAfterRelease} and ${r.depthAfterRelease}`,
  ).toEqual([1, 0]);

  // The worker thread running the held task (the task wrote it into its gate when it started).
  const onBusy = [...r.oneByOne, ...r.burst].filter((o) => o.state === 'fulfilled' && o.resultThread === r.heldThread);
  if (onBusy.length) {
    throw new Error(
      `Expected no task to start on a worker that is still running one (one task per worker at a time), but task(s) ${onBusy.map((o) => o.seq).join(', ')} ` +
        `were given to the worker running held task ${heldTask} and ran only after it finished, while ${size - 1} worker(s) were idle ${where}: dispatch only to a worker that holds no task`,
    );
  }
  const stuck = r.oneByOneAtOpen.filter((o) => o.state !== 'fulfilled');
  expect(
    stuck.map((o) => o.seq),
    `Expected each task submitted one at a time to complete at once on an idle worker ${where}; these had not: an idle worker must take a new task at once`,
  ).toEqual([]);

  const accepted = size - 1 + maxQueue;
  expect(
    [r.busyInBurst, r.depthInBurst],
    `Expected a burst of ${accepted + 1} submits to fill the ${size - 1} idle workers first and queue only ${maxQueue} ${where}: ` +
      `busyWorkers ${size}, queueDepth ${maxQueue}; got ${r.busyInBurst} and ${r.depthInBurst}`,
  ).toEqual([size, maxQueue]);
  const refused = r.burstAtOpen[accepted];
  expect(
    refused?.errorName,
    `Expected submit #${accepted + 1} of the burst to be refused with PoolQueueFullError ${where}: ${size - 1} idle workers took ${size - 1}, ${maxQueue} waited; got ${refused?.state} ${refused?.errorName ?? ''}`,
  ).toBe('PoolQueueFullError');
  const early = r.burstAtOpen.slice(0, accepted).filter((o) => o.state !== 'fulfilled');
  expect(
    early.map((o) => `${o.seq} (${o.state}${o.errorName ? ` ${o.errorName}` : ''})`),
    `Expected the ${accepted} accepted tasks of the burst to complete on the idle workers while held task ${heldTask} still ran ${where}; the bound counts waiting tasks only, not the running one`,
  ).toEqual([]);
  expectAllSettled([...r.held, ...r.oneByOne, ...r.burst.slice(0, accepted)], 'tasks');
  expectOwnResults([...r.held, ...r.oneByOne, ...r.burst]);
});
