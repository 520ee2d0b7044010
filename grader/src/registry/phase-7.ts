import type { PhaseSpec } from './types.ts';

export const phase7: PhaseSpec = {
  id: 7,
  slug: 'production',
  title: 'Production: keep-alive, token bucket, histograms, graceful shutdown',
  summary:
    'Make MetricStream ready to run for real: a lock-free token bucket shared by all workers, per-route latency histograms behind /stats and a Prometheus endpoint, validated configuration, keep-alive timeouts set right, and a SIGTERM that loses nothing.',
  estimate: '8-12 h',
  prerequisites: [
    'Phases 0-6 (the whole service)',
    'Phase 4: Atomics.compareExchange on a SharedArrayBuffer',
    'percentiles (nearest rank) and logarithms',
  ],
  lesson: 'docs/phase-7-production.md',
  exercises: ['src/limits/token-bucket.ts', 'src/stats/latency-histogram.ts', 'src/config-file.ts'],
  checks: [
    {
      id: 'token-bucket',
      title: 'Token bucket: exact refill arithmetic, and never over-grants with 4 workers contending',
      file: 'grader/tests/phase-7/token-bucket.test.ts',
      hint: 'Read the word with Atomics.load, compute the refilled state from it, and publish with Atomics.compareExchange(words, STATE, seen, next); if it does not return `seen`, another worker won: loop. Advance `stamp` by whole periods only.',
      anchor: '#check-token-bucket',
      deadlineMs: 45_000,
    },
    {
      id: 'histogram',
      title: 'Latency histogram: p50/p95/p99 within the stated 1% of the exact values',
      file: 'grader/tests/phase-7/histogram.test.ts',
      hint: 'Bucket i holds (min·γ^(i-1), min·γ^i] with γ = (1+a)/(1-a); report 2·upper/(γ+1), not the upper bound. Nearest rank: the value at rank ceil(p/100 · count).',
      anchor: '#check-histogram',
      deadlineMs: 30_000,
    },
    {
      id: 'config',
      title: 'A bad config file is rejected before start, naming the field',
      file: 'grader/tests/phase-7/config.test.ts',
      hint: 'Throw new ConfigFieldError(source, field, reason) for the first bad key, with the dotted path (rateLimit.capacity) as field; unknown keys are errors too.',
      anchor: '#check-config',
      deadlineMs: 40_000,
    },
    {
      id: 'stats',
      title: 'GET /stats and GET /metrics/prometheus report routes, queues, connections and memory',
      file: 'grader/tests/phase-7/stats.test.ts',
      hint: 'Until your histogram works, /stats answers 501. Check the route names ("POST /metrics") and that counts match the requests you sent.',
      anchor: '#check-stats',
      deadlineMs: 40_000,
    },
    {
      id: 'shutdown',
      title: 'SIGTERM under keep-alive load: exit 0, every acknowledged metric on disk',
      file: 'grader/tests/phase-7/shutdown.test.ts',
      hint: 'Stop accepting, let in-flight requests finish, then close the pool and the writer (awaiting their drain) and only then exit 0. process.exit() before the writer drained loses what was queued.',
      anchor: '#check-shutdown',
      deadlineMs: 60_000,
    },
  ],
  perf: [
    {
      id: 'final-vs-poc',
      title: 'Ingest metrics/s, finished service (level 7) vs. the phase-0 proof of concept, 100-metric batches, keep-alive',
      file: 'grader/perf/phase-7/final-vs-poc.ts',
      hint: 'Every earlier phase contributes: the fast parser, the pool, the async writer. If the ratio is low, grade the earlier phases again and check that level 7 really wires them in.',
      anchor: '#perf-final-vs-poc',
      threshold: { op: '>=', value: 2, unit: 'x' },
      deadlineMs: 60_000,
    },
    {
      id: 'keep-alive',
      title: 'GET /health req/s with keep-alive vs. a new connection per request (recorded, not graded)',
      file: 'grader/perf/phase-7/keep-alive.ts',
      hint: 'Recorded only: it measures what a TCP connection costs on this machine. Check that keepAliveTimeout is set (Exercise 7.1) and that your clients reuse connections.',
      anchor: '#perf-keep-alive',
      deadlineMs: 30_000,
    },
  ],
  mutants: [
    {
      name: 'bucket-load-store',
      bug: 'tryTake publishes the new state with Atomics.store after an Atomics.load instead of compareExchange: concurrent takes overwrite each other.',
      failsChecks: ['token-bucket'],
      messageIncludes: 'over-granted',
    },
    {
      name: 'histogram-upper-bound',
      bug: "bucketValue reports the bucket's upper bound, up to twice the stated relative error.",
      failsChecks: ['histogram'],
      messageIncludes: 'should be within',
    },
    {
      name: 'shutdown-skips-drain',
      bug: 'On SIGTERM main.ts closes the server and calls process.exit(0) at once, without draining the pool and the writer: acknowledged metrics still queued are lost.',
      failsChecks: ['shutdown'],
      messageIncludes: 'metrics lost on SIGTERM',
    },
  ],
};
