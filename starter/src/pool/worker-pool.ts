// Level 6 · exercise of phase 6: yours to write on its branch; later branches hold the reference.
import type { TransferListItem } from 'node:worker_threads';
import { todo } from '../lib/todo.ts';
import { resolvePoolOptions, type ResolvedPoolOptions, type WorkerPoolOptions } from './options.ts';

export type { WorkerPoolOptions } from './options.ts';

/** A snapshot for monitoring: how loaded the pool is right now, and what happened so far. */
export interface PoolStats {
  /** Workers the pool keeps (options.size). */
  size: number;
  /** Worker threads alive right now (equals `size` except briefly while a crashed one is replaced). */
  workers: number;
  /** Workers running a task. */
  busy: number;
  /** Tasks waiting for a worker (never more than maxQueue). */
  queued: number;
  maxQueue: number;
  /** Tasks settled with a result / with an error (including crashes). */
  completed: number;
  failed: number;
  /** Workers that died and were replaced. */
  crashed: number;
  /** Tasks refused because the queue was full. */
  rejected: number;
}

const LESSON = 'docs/phase-6-thread-pool.md#exercise-61-the-worker-pool';

// Provided for you: options and defaults (options.ts), the error catalogue (errors.ts), the
// message shapes (protocol.ts) and the worker side (pool-worker.ts: start it with
// `createWorker(new URL('./pool-worker.ts', import.meta.url), { workerData: { handler: href } })`
// from ../lib/ts-worker.ts; it posts `{ type: 'ready' }`, then one `{ type: 'result', id, ok, … }`
// per `{ id, task }` you post).
/**
 * A fixed set of pre-started worker threads that run tasks one at a time each, fed from a bounded
 * FIFO queue. When every worker is busy and the queue is full, submit() is refused at once with
 * PoolQueueFullError instead of piling up work: that refusal is the back pressure a caller turns
 * into `503 Retry-After`.
 */
export class WorkerPool<TTask = unknown, TResult = unknown> {
  readonly #opts: ResolvedPoolOptions;

  constructor(options: WorkerPoolOptions) {
    this.#opts = resolvePoolOptions(options);
    // TODO(phase-6): start `this.#opts.size` workers now and keep them for every task.
    // Listen to each worker's 'message', 'error' and 'exit' events.
  }

  /**
   * Run `task` on a worker. Resolves with the handler's result; rejects with TaskFailedError if the
   * handler threw, WorkerCrashedError if its worker died, PoolQueueFullError at once if the pool
   * is full, PoolClosedError after close().
   */
  submit(task: TTask, transfer: readonly TransferListItem[] = []): Promise<TResult> {
    // TODO(phase-6): give the task to an idle worker, else queue it (FIFO), else refuse it.
    // - Refuse with a rejected promise: PoolQueueFullError when every worker is busy and
    //   maxQueue tasks already wait (the bound is exact: maxQueue waiting, not one more);
    //   PoolClosedError once close() was called.
    // - Every accepted task settles exactly once: its result, TaskFailedError if the handler threw,
    //   or WorkerCrashedError if its worker exited — then start a replacement worker and give it
    //   the next queued task. Never run a task twice.
    void task;
    void transfer;
    void this.#opts;
    return todo(6, 'WorkerPool.submit', LESSON);
  }

  /** Tasks waiting for a worker. */
  get queueDepth(): number {
    // TODO(phase-6): count the waiting tasks.
    return todo(6, 'WorkerPool.queueDepth', LESSON);
  }

  /** Workers running a task. */
  get busyWorkers(): number {
    // TODO(phase-6): count the workers that hold a task.
    return todo(6, 'WorkerPool.busyWorkers', LESSON);
  }

  stats(): PoolStats {
    // TODO(phase-6): a snapshot; see PoolStats for each field.
    return todo(6, 'WorkerPool.stats', LESSON);
  }

  /**
   * Stop accepting tasks, let every queued and running task finish (their promises settle as
   * usual), then terminate the workers. Resolves once every worker thread has exited.
   */
  close(): Promise<void> {
    // TODO(phase-6): refuse new tasks, let every queued and running task finish and settle,
    // then terminate every worker; resolve once all of them have exited. Calling it twice is fine.
    return todo(6, 'WorkerPool.close', 'docs/phase-6-thread-pool.md#check-graceful-drain');
  }
}
