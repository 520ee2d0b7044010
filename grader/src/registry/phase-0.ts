import type { PhaseSpec } from './types.ts';

export const phase0: PhaseSpec = {
  id: 0,
  slug: 'poc',
  title: 'Proof of concept: the whole pipeline, simple and single-threaded',
  summary: 'TODO: one sentence.',
  estimate: '',
  prerequisites: [],
  lesson: 'docs/phase-0-poc.md',
  exercises: [],
  checks: [],
  perf: [],
  mutants: [],
};
