import { parentPort } from 'node:worker_threads';
import ingestTask, { type IngestTask } from '../pool/ingest-task.ts';

/**
 * PROVIDED: entry of phase 1's per-request ingest workers. Each message is one task (parse +
 * validate, the same code every level runs); each answer is an IngestOutcome, so a refused
 * payload comes back as data, not as a crash.
 *
 * It keeps listening after it answers, like any worker with a `message` listener: it ends only
 * when the processor terminates it. Cleaning up is the processor's job (see the lesson).
 */
const port = parentPort;
if (!port) throw new Error('ingest-worker.ts must run in a worker thread (see ingest/worker-per-request.ts)');
port.on('message', (task: IngestTask) => port.postMessage(ingestTask(task)));
