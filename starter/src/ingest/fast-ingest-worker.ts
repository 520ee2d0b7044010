// Level 3 · provided: read it, don't change it.
import { fastStep } from './fast-step.ts';
import { serveIngest } from './serve-ingest.ts';

/** Entry of the per-request ingest workers from level 3 on, with phase 3's parser. */
serveIngest(fastStep, 'fast-ingest-worker.ts');
