import type { PhaseSpec } from './types.ts';

export const phase3: PhaseSpec = {
  id: 3,
  slug: 'json-parser',
  title: 'Parsing: from O(n^2) to a single-pass state machine',
  summary: 'TODO: one sentence.',
  estimate: '',
  prerequisites: [],
  lesson: 'docs/phase-3-json-parser.md',
  exercises: [],
  checks: [],
  perf: [],
  mutants: [],
};
