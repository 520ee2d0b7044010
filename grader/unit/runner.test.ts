import { describe, expect, test } from 'vitest';
import { runCorrectnessCheck } from '../src/run/correctness.ts';
import { REPO_ROOT } from '../src/harness/target.ts';
import type { CorrectnessCheck } from '../src/registry/types.ts';

// Each fixture is a real graded-test file run in a real child process: this is the grader's
// behaviour for pass, fail, "not implemented yet", hang and a file that cannot load.
const check = (name: string, deadlineMs = 30_000): CorrectnessCheck => ({
  id: name,
  title: `fixture ${name}`,
  file: `grader/unit/fixtures/checks/${name}.check.ts`,
  hint: 'a hint',
  anchor: '#anchor',
  deadlineMs,
});
const ctx = { target: REPO_ROOT, seed: 7, lesson: 'docs/x.md' };

describe('runCorrectnessCheck', () => {
  test('a passing file passes with its test count', async () => {
    const r = await runCorrectnessCheck(check('pass'), ctx);
    expect(r.status).toBe('pass');
    expect(r.tests).toEqual({ passed: 2, total: 2 });
  });

  test('a failing assertion is a fail with its message, without the stack', async () => {
    const r = await runCorrectnessCheck(check('fail'), ctx);
    expect(r.status).toBe('fail');
    expect(r.reason).toBe('assertion');
    expect(r.summary).toBe('1 of 2 tests failed');
    expect(r.failures[0]!.test).toBe('status');
    expect(r.failures[0]!.message).toContain('Expected status code 200 for GET /health');
    expect(r.failures[0]!.message).not.toMatch(/\n\s+at /);
    expect(r.lesson).toBe('docs/x.md#anchor');
  });

  test('a test process killed after some tests passed fails the check: the tests that never finished count', async () => {
    const r = await runCorrectnessCheck(check('killed'), ctx);
    expect(r.status, r.summary).not.toBe('pass');
  });

  test('a test that forges a passing result in files and on every descriptor it holds still fails (no sandbox needed)', async () => {
    const before = process.env.MS_SANDBOX;
    process.env.MS_SANDBOX = 'off';
    try {
      const r = await runCorrectnessCheck(check('forge'), ctx);
      expect(r.status, r.summary).not.toBe('pass');
      expect(JSON.stringify(r)).not.toContain('FORGED');
    } finally {
      if (before === undefined) delete process.env.MS_SANDBOX;
      else process.env.MS_SANDBOX = before;
    }
  });

  test("the check's process gets an allow-listed environment: no GITHUB_OUTPUT, no secrets", async () => {
    process.env.GITHUB_OUTPUT = '/tmp/forge-me';
    process.env.MS_FIXTURE_SECRET = 'hunter2';
    try {
      const r = await runCorrectnessCheck(check('env'), ctx);
      expect(r.failures).toEqual([]);
      expect(r.status).toBe('pass');
    } finally {
      delete process.env.GITHUB_OUTPUT;
      delete process.env.MS_FIXTURE_SECRET;
    }
  });

  test('a TodoError is reported as not implemented yet', async () => {
    const r = await runCorrectnessCheck(check('todo'), ctx);
    expect(r.status).toBe('fail');
    expect(r.reason).toBe('todo');
    expect(r.summary).toContain('not implemented yet: TODO(phase-0): validatePayload is not implemented yet');
  });

  test('a blocked process is killed at the deadline and reported as a hang naming the test', async () => {
    const started = performance.now();
    const r = await runCorrectnessCheck(check('hang', 6_000), ctx);
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(r.status).toBe('fail');
    expect(r.reason).toBe('hang');
    expect(r.summary).toContain('hang or deadlock suspected in "waits on a lock nobody releases"');
  });

  test('an error thrown outside the assertions fails the check as a crash, naming the test it happened in', async () => {
    const r = await runCorrectnessCheck(check('unhandled'), ctx);
    expect(r.status).toBe('fail');
    expect(r.reason).toBe('crash');
    expect(r.summary).toContain('during "accepts a metric"');
    expect(r.summary).toContain('worker 3 crashed');
    expect(r.failures[0]!.test).toBe('accepts a metric');
    expect(r.failures[0]!.message).toContain('Uncaught Exception: worker 3 crashed');
  });

  test('a file that cannot load is an error, not a wall of failures', async () => {
    const r = await runCorrectnessCheck(check('crash'), ctx);
    expect(r.status).toBe('error');
    expect(r.reason).toBe('crash');
    expect(r.failures[0]!.message).toMatch(/no-such-module/);
  });
});
