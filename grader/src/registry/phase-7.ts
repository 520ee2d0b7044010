import type { PhaseSpec } from './types.ts';

export const phase7: PhaseSpec = {
  id: 7,
  slug: 'production',
  title: 'Production: keep-alive, token bucket, histograms, graceful shutdown',
  summary: 'TODO: one sentence.',
  estimate: '',
  prerequisites: [],
  lesson: 'docs/phase-7-production.md',
  exercises: [],
  checks: [],
  perf: [],
  mutants: [],
};
