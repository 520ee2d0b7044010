// Level 3 · provided: read it, don't change it.
import { fastStep } from '../ingest/fast-step.ts';
import type { Level } from './seams.ts';

/** Level 3, parsing: phase 3's single-pass parser replaces the naive one, inline and in the workers. */
const level3: Level = (prev) => ({ ...prev, parse: fastStep, workerEntry: new URL('../ingest/fast-ingest-worker.ts', import.meta.url) });
export default level3;
