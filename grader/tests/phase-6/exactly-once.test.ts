import { expect, test } from 'vitest';
import { rng, seedTag } from '../../src/harness/random.ts';
import { SCENARIO_TEST, expectAllSettled, expectOwnResults, expectRuns } from './assertions.ts';
import { runScenario, type Outcome } from './driver-client.ts';
import type { PoolStatsSeen } from './fixtures/driver.ts';

test('every accepted task settles exactly once, with its own result, and runs once', SCENARIO_TEST, async () => {
  const r = rng();
  const size = 2 + Math.floor(r() * 2);
  // Over 1,024 of them wait in the queue, so a queue that compacts or reuses its storage is exercised.
  const tasks = 1_100 + Math.floor(r() * 400);
  const throwEvery = 7 + Math.floor(r() * 6);
  const { report } = await runScenario<{ outcomes: Outcome[]; runs: number[]; stats: PoolStatsSeen }>({
    scenario: 'exactly-once',
    params: { size, tasks, throwEvery },
  });
  const tag = `(size ${size}, ${tasks} tasks) ${seedTag()}`;
  expect(report.outcomes.length, `Expected ${tasks} tracked submissions ${tag}`).toBe(tasks);
  expectAllSettled(report.outcomes, `of ${tasks} accepted tasks`);
  expectOwnResults(report.outcomes);
  expectRuns(report.runs, report.outcomes.map((o) => o.seq), 1, `every accepted task must run once, never twice ${tag}`);
  for (const o of report.outcomes) {
    const throws = o.seq % throwEvery === 3;
    if (throws) {
      expect(o.state, `Expected task ${o.seq}, whose handler throws, to reject ${tag}`).toBe('rejected');
      expect(o.errorMessage, `Expected the rejection of task ${o.seq} to carry the handler's message ${tag}`).toContain(`fixture failure for task ${o.seq}`);
      expect(o.errorName, `Expected task ${o.seq}, whose handler threw, to reject with TaskFailedError, got ${o.errorName} ${tag}`).toBe('TaskFailedError');
      expect(o.remoteName, `Expected TaskFailedError.remoteName of task ${o.seq} to be the name of the error the handler threw (RangeError), got ${o.remoteName} ${tag}`).toBe('RangeError');
    } else {
      expect(o.state, `Expected task ${o.seq} to resolve, got ${o.state}: ${o.errorName}: ${o.errorMessage} ${tag}`).toBe('fulfilled');
    }
  }
  const throwing = report.outcomes.filter((o) => o.seq % throwEvery === 3).length;
  const { completed, failed } = report.stats;
  expect(
    [completed, failed],
    `Expected stats() completed/failed = ${tasks - throwing}/${throwing} (tasks settled with a result / with an error), got ${completed}/${failed} ${tag}`,
  ).toEqual([tasks - throwing, throwing]);
});
