import type { PhaseSpec } from './types.ts';

export const phase2: PhaseSpec = {
  id: 2,
  slug: 'async-io',
  title: 'Asynchronous I/O: a producer-consumer batch writer',
  summary: 'TODO: one sentence.',
  estimate: '',
  prerequisites: [],
  lesson: 'docs/phase-2-async-io.md',
  exercises: [],
  checks: [],
  perf: [],
  mutants: [],
};
