// Level 6 · provided: read it, don't change it.
import { fastStep } from '../ingest/fast-step.ts';
import { runStep, type IngestOutcome, type IngestTask } from '../ingest/ingest-step.ts';

/** The pool's handler for ingest (level 6): the same parse + validate as inline and phase 1's workers. */
export default function ingestTask(t: IngestTask): IngestOutcome {
  return runStep(fastStep, t);
}
