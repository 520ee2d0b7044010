import { expect, test } from 'vitest';
import { SCENARIO_TEST, expectAllSettled, expectOwnResults, expectRuns } from './assertions.ts';
import { runScenario, type Outcome } from './driver-client.ts';
import type { PoolStatsSeen } from './fixtures/driver.ts';

interface Report {
  allStarted: boolean;
  depth: number;
  busy: number;
  held: Outcome[];
  queued: Outcome[];
  queuedPendingWhileHeld: number;
  extra: Outcome[];
  again: Outcome[];
  runs: number[];
  stats: PoolStatsSeen;
}

// (size, maxQueue): no queue at all, one worker with a queue, more workers than queue slots.
const CASES: Array<[number, number]> = [
  [1, 0],
  [1, 5],
  [2, 3],
];

test.each(CASES)('size %i, maxQueue %i: exactly maxQueue tasks wait, the next one is refused', SCENARIO_TEST, async (size, maxQueue) => {
  const { report: r } = await runScenario<Report>({ scenario: 'queue-bound', params: { size, maxQueue } });
  const where = `(size ${size}, maxQueue ${maxQueue})`;
  expect(r.allStarted, `Expected all ${size} workers to start a task at once ${where}: submit must hand tasks to idle pre-started workers`).toBe(true);
  expect(r.queuedPendingWhileHeld, `Expected all ${maxQueue} tasks within the bound to be accepted and wait while every worker is busy ${where}`).toBe(maxQueue);
  expect(r.busy, `Expected busyWorkers = ${size} while every worker holds a task ${where}, got ${r.busy}`).toBe(size);
  expect(r.depth, `Expected queueDepth = ${maxQueue} with the queue full ${where}, got ${r.depth}`).toBe(maxQueue);
  r.extra.forEach((o, i) => {
    const nth = size + maxQueue + i + 1;
    expect(
      o.state === 'rejected' && o.errorName === 'PoolQueueFullError',
      `Expected submit #${nth} to be refused at once with PoolQueueFullError ${where}, all workers busy and ${maxQueue} waiting; ` +
        `got ${o.state}${o.errorName ? ` (${o.errorName})` : ''}: the queue is not bounded`,
    ).toBe(true);
  });
  for (const o of r.extra) {
    expect(o.threwSync, `Expected submit #${o.seq + 1} to return a rejected promise, but it threw synchronously ${where}: callers chain .catch() on submit()`).not.toBe(true);
    expect(o.errorMessage, `Expected the PoolQueueFullError to name the bound, new PoolQueueFullError(maxQueue) ${where}; got "${o.errorMessage}"`).toContain(`(${maxQueue} tasks waiting)`);
  }
  expectRuns(r.runs, r.extra.map((o) => o.seq), 0, 'a refused task must never run');
  expectAllSettled([...r.held, ...r.queued], 'held or queued tasks');
  expectOwnResults([...r.held, ...r.queued, ...r.again]);
  if (size === 1) {
    // One worker runs tasks in dispatch order, so completion order is the queue's order: FIFO.
    const order = [...r.queued].sort((a, b) => a.settledAs! - b.settledAs!).map((o) => o.seq);
    expect(order, `Expected queued tasks to run first-in first-out ${where}`).toEqual(r.queued.map((o) => o.seq));
  }
  expectAllSettled(r.again, `tasks submitted after the pool drained`);
  expect(
    r.again.every((o) => o.state === 'fulfilled'),
    `Expected ${size + maxQueue} tasks submitted to an idle pool to be accepted again ${where}: a refusal must not stick`,
  ).toBe(true);
  // PoolStats, field by field as its doc comments define them, once everything settled.
  const s = r.stats;
  const done = 2 * (size + maxQueue);
  expect(s.rejected, `Expected stats().rejected = 3 (tasks refused because the queue was full) ${where}, got ${s.rejected}`).toBe(3);
  expect(s.completed, `Expected stats().completed = ${done} (tasks settled with a result) ${where}, got ${s.completed}`).toBe(done);
  expect(s.failed, `Expected stats().failed = 0: a refused task was never accepted, so it is not a failed task ${where}; got ${s.failed}`).toBe(0);
  expect([s.size, s.maxQueue, s.workers, s.busy, s.queued], `Expected stats() [size, maxQueue, workers, busy, queued] of an idle pool to be [${size}, ${maxQueue}, ${size}, 0, 0] ${where}`).toEqual([size, maxQueue, size, 0, 0]);
});
