// Level 1 · provided: read it, don't change it.
import { naiveStep } from './ingest-step.ts';
import { serveIngest } from './serve-ingest.ts';

/** Entry of phase 1's per-request ingest workers, with the naive parser (levels 1-2). */
serveIngest(naiveStep, 'ingest-worker.ts');
