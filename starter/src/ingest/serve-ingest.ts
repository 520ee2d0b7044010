// Level 1 · provided: read it, don't change it.
import { parentPort } from 'node:worker_threads';
import { runStep, type IngestStep, type IngestTask } from './ingest-step.ts';

/**
 * The loop of a per-request ingest worker (phase 1). Each message is one task (parse +
 * validate, the same step the level runs inline); each answer is an IngestOutcome, so a refused
 * payload comes back as data, not as a crash.
 *
 * It keeps listening after it answers, like any worker with a `message` listener: it ends only
 * when the processor terminates it. Cleaning up is the processor's job (see the lesson).
 */
export function serveIngest(step: IngestStep, entry: string): void {
  const port = parentPort;
  if (!port) throw new Error(`${entry} must run in a worker thread (see ingest/worker-per-request.ts)`);
  port.on('message', (task: IngestTask) => port.postMessage(runStep(step, task)));
}
