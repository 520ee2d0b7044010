import type { PhaseSpec } from './types.ts';

export const phase6: PhaseSpec = {
  id: 6,
  slug: 'thread-pool',
  title: 'Thread pool: bounded queue and 503 backpressure',
  summary: 'TODO: one sentence.',
  estimate: '',
  prerequisites: [],
  lesson: 'docs/phase-6-thread-pool.md',
  exercises: [],
  checks: [],
  perf: [],
  mutants: [],
};
