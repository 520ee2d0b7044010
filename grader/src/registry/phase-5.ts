import type { PhaseSpec } from './types.ts';

export const phase5: PhaseSpec = {
  id: 5,
  slug: 'ring-buffer',
  title: 'Lock-free: an SPSC ring buffer over shared memory',
  summary: 'TODO: one sentence.',
  estimate: '',
  prerequisites: [],
  lesson: 'docs/phase-5-ring-buffer.md',
  exercises: [],
  checks: [],
  perf: [],
  mutants: [],
};
