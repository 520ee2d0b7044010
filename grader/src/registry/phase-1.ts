import type { PhaseSpec } from './types.ts';

export const phase1: PhaseSpec = {
  id: 1,
  slug: 'threads',
  title: 'Threads: a Worker per request, shared counters with Atomics',
  summary: 'TODO: one sentence.',
  estimate: '',
  prerequisites: [],
  lesson: 'docs/phase-1-threads.md',
  exercises: [],
  checks: [],
  perf: [],
  mutants: [],
};
