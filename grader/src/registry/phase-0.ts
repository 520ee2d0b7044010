import type { PhaseSpec } from './types.ts';

export const phase0: PhaseSpec = {
  id: 0,
  slug: 'poc',
  title: 'Proof of concept: the whole pipeline, simple and single-threaded',
  summary:
    'Write the domain logic of a working metrics service — payload validation, time-range aggregation with p95, and the alert state machine — and record the baseline every later phase is measured against.',
  estimate: '3-5 h',
  prerequisites: ['TypeScript basics (types, modules, async/await)', 'HTTP and JSON', 'curl'],
  lesson: 'docs/phase-0-poc.md',
  exercises: ['src/ingest/validate.ts', 'src/query/aggregate.ts', 'src/alerts/alert-engine.ts'],
  checks: [
    {
      id: 'validation',
      title: 'Payload validation: every bad field is refused with its name; POST /metrics answers 400 with a JSON body',
      file: 'grader/tests/phase-0/validation.test.ts',
      hint: 'Check each field in the order of the table in the lesson and throw new ValidationError(`metrics[${i}].value`, reason) at the first problem. typeof "75.5" is "string" and typeof NaN is "number": use Number.isFinite.',
      anchor: '#check-validation',
      deadlineMs: 30_000,
    },
    {
      id: 'query',
      title: 'Aggregations (avg, min, max, sum, count, p95) and step buckets on known data; bad query parameters are 400s',
      file: 'grader/tests/phase-0/query.test.ts',
      hint: 'A bucket starts at start + floor((t - start) / step) * step; both ends of the range are included; p95 is the nearest rank sorted[ceil(0.95 * n) - 1] of a sorted COPY.',
      anchor: '#check-query',
      deadlineMs: 30_000,
    },
    {
      id: 'alerts',
      title: 'Alerts go pending -> firing only after forMs, then resolve; no data counts as "not breached"',
      file: 'grader/tests/phase-0/alerts.test.ts',
      hint: 'Keep pendingSince from the first breach; fire when now - pendingSince >= rule.forMs (not before); a false condition turns pending into inactive and firing into resolved. Return a new object, never change prev.',
      anchor: '#check-alerts',
      deadlineMs: 30_000,
    },
    {
      id: 'roundtrip',
      title: 'POST then GET /query returns the data; the data file has exactly the documented lines; 405 / 404 / 413',
      file: 'grader/tests/phase-0/roundtrip.test.ts',
      hint: 'This check runs the whole pipeline: if validation or query fail, fix those first. The file format and error codes are provided code — see the lesson if you changed them.',
      anchor: '#check-roundtrip',
      deadlineMs: 40_000,
    },
    {
      id: 'shutdown',
      title: 'SIGTERM: exit code 0 and every accepted metric on disk exactly once, also under load',
      file: 'grader/tests/phase-0/shutdown.test.ts',
      hint: 'Provided code (main.ts, service.ts close()) handles this; it fails when an exercise throws during the run. Start the service with `npm start`, POST with curl, press Ctrl-C and read the output.',
      anchor: '#check-shutdown',
      deadlineMs: 45_000,
    },
  ],
  perf: [
    {
      id: 'baseline',
      title: 'Baseline record: 50 connections x 3 s of 1-metric POSTs — success rate (req/s and p50/p99 recorded)',
      file: 'grader/perf/phase-0/baseline.ts',
      hint: 'Every request must get a 200. Failures under load at level 0 usually mean an exception in your code for some input (look at the service output) — not slowness: the fsync in the request path is slow by design.',
      anchor: '#perf-baseline',
      threshold: { op: '>=', value: 99, unit: '%' },
      deadlineMs: 40_000,
    },
  ],
  mutants: [
    {
      name: 'value-coerced',
      bug: 'The validator converts value with Number(...), so "75.5", null, true and NaN are stored as numbers.',
      failsChecks: ['validation'],
      messageIncludes: 'metrics[0].value',
    },
    {
      name: 'alert-fires-immediately',
      bug: 'The alert engine ignores forMs and fires at the first breach.',
      failsChecks: ['alerts'],
      messageIncludes: 'must not fire before its for-duration',
    },
    {
      name: 'p95-off-by-one',
      bug: 'p95 takes sorted[floor(0.95 n)] instead of the nearest rank sorted[ceil(0.95 n) - 1].',
      failsChecks: ['query'],
      messageIncludes: 'p95',
    },
  ],
};
