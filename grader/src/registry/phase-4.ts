import type { PhaseSpec } from './types.ts';

export const phase4: PhaseSpec = {
  id: 4,
  slug: 'locking',
  title: 'Locking: rate limiting, deadlock, hash-striped mutexes',
  summary: 'TODO: one sentence.',
  estimate: '',
  prerequisites: [],
  lesson: 'docs/phase-4-locking.md',
  exercises: [],
  checks: [],
  perf: [],
  mutants: [],
};
