// Level 6 · provided: read it, don't change it.
import { parentPort, workerData } from 'node:worker_threads';
import type { PoolWorkerData, TaskMessage, WorkerMessage } from './protocol.ts';

/**
 * Entry of every pool worker: load the handler module once, say `ready`, then run one task per
 * message and answer with its result. An error thrown by the handler is sent back as a failed
 * result (the worker lives on); only a real crash (process.exit, an error outside the handler)
 * ends the worker, and the pool notices through the Worker's `exit` event.
 */
type Handler = (task: unknown) => unknown;

const port = parentPort;
if (!port) throw new Error('pool-worker.ts must run in a worker thread started by WorkerPool');
const { handler } = workerData as PoolWorkerData;
const mod = (await import(handler)) as { default?: unknown };
if (typeof mod.default !== 'function') throw new Error(`${handler} must export a default function (task) => result`);
const run = mod.default as Handler;

const send = (msg: WorkerMessage): void => port.postMessage(msg);

port.on('message', async ({ id, task }: TaskMessage) => {
  try {
    send({ type: 'result', id, ok: true, result: await run(task) });
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    send({ type: 'result', id, ok: false, error: { name: e.name, message: e.message, stack: e.stack } });
  }
});
send({ type: 'ready' });
