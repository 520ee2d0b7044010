import type { CheckResult, GradeReport } from '../src/report/model.ts';
import { summarize } from '../src/report/model.ts';

// Hand-built reports covering every outcome the learner can see; rendered output is pinned by fixtures.
const base = { hint: 'Look at how the field is named.', lesson: 'docs/phase-0-poc.md#validation', durationMs: 1234, failures: [] };

const pass = (id: string, title: string): CheckResult => ({ ...base, kind: 'correctness', id, title, status: 'pass', tests: { passed: 4, total: 4 } });

function report(checks: CheckResult[]): GradeReport {
  return {
    version: 1,
    phase: { id: 0, slug: 'poc', title: 'Proof of concept' },
    target: '/home/learner/metricstream',
    seed: 42,
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 5000,
    checks,
    ...summarize(checks),
  };
}

const perfPass: CheckResult = {
  ...base,
  kind: 'perf',
  id: 'baseline',
  title: 'Success rate under load',
  status: 'pass',
  summary: '100%, threshold >= 99%',
  measured: { value: 100, unit: '%', threshold: { op: '>=', value: 99, unit: '%' }, attempts: [100], details: { rps: 1520.4, p50: 1.93 } },
};

const failing = (id: string, test: string, message: string): CheckResult => ({
  ...base,
  kind: 'correctness',
  id,
  title: id,
  status: 'fail',
  reason: 'assertion',
  summary: '1 of 4 tests failed',
  tests: { passed: 3, total: 4 },
  failures: [{ test, message }],
});

export const SAMPLES: Record<string, GradeReport> = {
  pass: report([pass('validation', 'Validation names the field'), pass('roundtrip', 'POST then query'), perfPass]),
  partial: {
    ...report([pass('validation', 'Validation names the field'), { ...perfPass, status: 'skip', summary: 'performance checks not requested', measured: undefined }]),
    partial: { notRun: ['roundtrip', 'baseline'] },
  },
  fail: report([
    pass('validation', 'Validation names the field'),
    {
      ...base,
      kind: 'correctness',
      id: 'roundtrip',
      title: 'POST then query',
      status: 'fail',
      reason: 'assertion',
      summary: '1 of 3 tests failed',
      tests: { passed: 2, total: 3 },
      failures: [{ test: 'roundtrip > query returns the metric', message: 'Expected status code 200, got 404\nbody: {"error":"not_found"}' }],
    },
    {
      ...base,
      kind: 'correctness',
      id: 'alerts',
      title: 'Alerts fire and resolve',
      status: 'fail',
      reason: 'todo',
      summary: 'not implemented yet: TODO(phase-0): AlertEngine.evaluate is not implemented yet — see docs/phase-0-poc.md#alerts',
      failures: [{ test: 'fires after for-duration', message: 'TODO(phase-0): AlertEngine.evaluate is not implemented yet — see docs/phase-0-poc.md#alerts' }],
    },
    { ...perfPass, status: 'skip', summary: 'runs once every correctness check passes', measured: undefined },
  ]),
  error: report([
    {
      ...base,
      kind: 'compile',
      id: 'typescript',
      title: 'Your code compiles under strict TypeScript',
      status: 'error',
      reason: 'compile',
      summary: '1 TypeScript error',
      failures: [{ test: 'starter/src/ingest/validate.ts:12:7', message: "error TS2322: Type 'string' is not assignable to type 'number'." }],
    },
  ]),
  hang: report([
    {
      ...base,
      kind: 'correctness',
      id: 'mutex',
      title: 'Mutual exclusion under stress',
      status: 'fail',
      reason: 'hang',
      summary: 'hang or deadlock suspected in "two workers, opposite lock order" (running for 29.8 s): killed at the 30 s deadline',
      failures: [{ test: 'two workers, opposite lock order', message: 'no progress until the 30 s deadline; the test process was killed' }],
    },
    {
      ...perfPass,
      id: 'striping',
      title: 'Striped locks vs one global lock',
      status: 'fail',
      reason: 'threshold',
      summary: 'Expected >= 1.50x, got 1.10x (median of 3 runs: 1.10, 1.08, 1.20)',
      measured: { value: 1.1, unit: 'x', threshold: { op: '>=', value: 1.5, unit: 'x' }, attempts: [1.1, 1.08, 1.2], details: { striped: 2.1e6, global: 1.9e6 } },
    },
  ]),
  // More failing checks than the report expands: the rest keep their one line and point to report.json.
  many: report([
    failing('validation', 'rejects a missing name', 'Expected status 400, got 200'),
    failing('roundtrip', 'query returns the metric', 'Expected status code 200, got 404'),
    { ...failing('alerts', 'fires after for-duration', 'TODO(phase-0): AlertEngine.evaluate is not implemented yet'), reason: 'todo', summary: 'not implemented yet: AlertEngine.evaluate' },
    failing('percentiles', 'p95 of 1..100', 'Expected 95, got 96'),
    failing('tags', 'matches every tag', 'Expected 2 series, got 3'),
    failing('retention', 'drops old points', 'Expected 0 points, got 4'),
  ]),
};
