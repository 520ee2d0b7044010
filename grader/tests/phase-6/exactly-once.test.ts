import { expect, test } from 'vitest';
import { rng, seedTag } from '../../src/harness/random.ts';
import { SCENARIO_TEST, expectAllSettled, expectOwnResults, expectRuns } from './assertions.ts';
import { runScenario, type Outcome } from './driver-client.ts';

test('every accepted task settles exactly once, with its own result, and runs once', SCENARIO_TEST, async () => {
  const r = rng();
  const size = 2 + Math.floor(r() * 2);
  const tasks = 200 + Math.floor(r() * 200);
  const throwEvery = 7 + Math.floor(r() * 6);
  const { report } = await runScenario<{ outcomes: Outcome[]; runs: number[] }>({
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
    } else {
      expect(o.state, `Expected task ${o.seq} to resolve, got ${o.state}: ${o.errorName}: ${o.errorMessage} ${tag}`).toBe('fulfilled');
    }
  }
});
