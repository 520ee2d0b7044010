import type { PhaseSpec } from './types.ts';

export const phase1: PhaseSpec = {
  id: 1,
  slug: 'threads',
  title: 'Threads: a Worker per request, shared counters with Atomics',
  summary:
    'Move the CPU work of each ingest request (parse + validate) off the event loop into a Worker started for that request, with cleanup on every path, and keep the service counters exact in shared memory with Atomics.',
  estimate: '4-6 h',
  prerequisites: ['Phase 0: the ingest pipeline', 'the event loop: what blocks it', 'promises and events (once, error, exit)'],
  lesson: 'docs/phase-1-threads.md',
  exercises: ['src/ingest/worker-per-request.ts', 'src/stats/shared-counters.ts'],
  checks: [
    {
      id: 'counters',
      title: 'SharedCounters is exact with 4 workers adding at once (1e6+ calls each, start barrier)',
      file: 'grader/tests/phase-1/counters.test.ts',
      hint: '`this.slots[i] += delta` is a read, an add and a write: two workers can read the same old value. Use Atomics.add(this.slots, slotOf(name), delta) and read with Atomics.load. Run `npx tsx starter/src/demos/lost-updates.ts` to watch the difference.',
      anchor: '#check-counters',
      deadlineMs: 60_000,
    },
    {
      id: 'worker-failure',
      title: 'A worker that crashes, exits, cannot start or never answers gives 500/503; the next request is served; no worker left',
      file: 'grader/tests/phase-1/worker-failure.test.ts',
      hint: "Listen for 'message', 'error' and 'exit' and settle once with the first; wrap the spawn call in try/catch (WorkerUnavailableError); add a timer for timeoutMs; and terminate the worker in a finally, on every path — it keeps listening after it answers.",
      anchor: '#check-worker-failure',
      deadlineMs: 90_000,
    },
    {
      id: 'no-leak',
      title: 'After concurrent valid and refused requests, the service has no more threads than before',
      file: 'grader/tests/phase-1/no-leak.test.ts',
      hint: 'A refused payload comes back as an answer ({ ok: false }), not as an error event: that path must terminate the worker too. Put worker.terminate() in one finally that every outcome goes through.',
      anchor: '#check-no-leak',
      deadlineMs: 60_000,
    },
    {
      id: 'health-responsive',
      title: 'GET /health stays responsive while heavy batches are parsed (p90 under 25% of level 0, same run)',
      file: 'grader/tests/phase-1/health-responsive.test.ts',
      hint: 'Nothing CPU-heavy may run on the main thread: hand the raw body to the worker, and do not parse it (not even to "fail fast") before or after. Compare with `npm start -- --level 0` and the curl loop in the lesson.',
      anchor: '#check-health-responsive',
      deadlineMs: 60_000,
    },
    {
      id: 'same-results',
      title: 'Level 1 answers, writes and counts exactly like level 0 (sequential and concurrent requests)',
      file: 'grader/tests/phase-1/same-results.test.ts',
      hint: 'Refusals must keep their class and fields across the thread boundary: rebuild them with fromWire(outcome.error) so a ParseError is still a 400 with its byte position; use the clock time taken on the main thread (task.now).',
      anchor: '#check-same-results',
      deadlineMs: 90_000,
    },
  ],
  perf: [
    {
      id: 'health-p99',
      title: '/health p99 under heavy-batch load: level 0 / level 1, same run (higher is better)',
      file: 'grader/perf/phase-1/health-p99.ts',
      hint: 'The ratio is low when the event loop is still blocked: look for CPU work left on the main thread (parsing, validating, building big strings) and for synchronous work per request.',
      anchor: '#perf-health-p99',
      threshold: { op: '>=', value: 10, unit: 'x' },
      deadlineMs: 60_000,
    },
    {
      id: 'heavy-throughput',
      title: 'Heavy-batch throughput level 1 / level 0, and the worker start-up paid per request (recorded)',
      file: 'grader/perf/phase-1/heavy-throughput.ts',
      hint: 'Recorded, not graded: a fresh worker per request pays the thread and module start-up every time (much more with tsx), and parses with a cold JIT. Phase 6 keeps workers alive in a pool.',
      anchor: '#perf-heavy-throughput',
      deadlineMs: 60_000,
    },
  ],
  mutants: [
    {
      name: 'counter-without-atomics',
      bug: 'SharedCounters.add does `slots[i] += delta`: a plain read-modify-write that loses updates between workers.',
      failsChecks: ['counters'],
      messageIncludes: 'updates lost',
    },
    {
      name: 'leaks-workers',
      bug: 'The processor terminates its worker only after an accepted batch; refusals and timeouts leave the thread running.',
      failsChecks: ['worker-failure', 'no-leak'],
      messageIncludes: 'leaked thread',
    },
    {
      name: 'parse-on-main-thread',
      bug: 'The processor parses the body on the event loop "to fail fast" before sending it to the worker.',
      failsChecks: ['health-responsive'],
      messageIncludes: 'heavy CPU work on the event loop',
    },
  ],
};
