// Level 6 · exercise of phase 6: yours to write on its branch; later branches hold the reference.
import type { TransferListItem, Worker } from 'node:worker_threads';
import { createWorker } from '../lib/ts-worker.ts';
import { PoolClosedError, PoolQueueFullError, PoolStartError, TaskFailedError, WorkerCrashedError } from './errors.ts';
import { resolvePoolOptions, type ResolvedPoolOptions, type WorkerPoolOptions } from './options.ts';
import type { PoolWorkerData, WorkerMessage } from './protocol.ts';

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

interface Task {
  id: number;
  task: unknown;
  transfer: readonly TransferListItem[];
  resolve(result: unknown): void;
  reject(err: Error): void;
}

interface PoolWorker {
  id: number;
  worker: Worker;
  /** The handler module loaded: a later exit is a crash, an earlier one a start failure. */
  ready: boolean;
  current: Task | null;
  /** The last 'error' event, reported as the cause of the crash that follows it. */
  lastError?: Error;
  /** Set when the pool terminates the worker itself, so its exit is not a crash. */
  retiring: boolean;
}

const WORKER_ENTRY = new URL('./pool-worker.ts', import.meta.url);

/**
 * A fixed set of pre-started worker threads that run tasks one at a time each, fed from a bounded
 * FIFO queue. When every worker is busy and the queue is full, submit() is refused at once with
 * PoolQueueFullError instead of piling up work: that refusal is the back pressure a caller turns
 * into `503 Retry-After`.
 */
export class WorkerPool<TTask = unknown, TResult = unknown> {
  readonly #opts: ResolvedPoolOptions;
  readonly #workers = new Set<PoolWorker>();
  /** Waiting tasks; `#head` avoids an O(n) shift on every dispatch. */
  #queue: Task[] = [];
  #head = 0;
  #nextTaskId = 1;
  #nextWorkerId = 1;
  #closing: Promise<void> | null = null;
  #onIdle: (() => void) | null = null;
  #broken: Error | null = null;
  #counts = { completed: 0, failed: 0, crashed: 0, rejected: 0 };

  constructor(options: WorkerPoolOptions) {
    this.#opts = resolvePoolOptions(options);
    for (let i = 0; i < this.#opts.size; i++) this.#spawn();
  }

  /**
   * Run `task` on a worker. Resolves with the handler's result; rejects with TaskFailedError if the
   * handler threw, WorkerCrashedError if its worker died, PoolQueueFullError at once if the pool
   * is full, PoolClosedError after close().
   */
  submit(task: TTask, transfer: readonly TransferListItem[] = []): Promise<TResult> {
    if (this.#closing) return Promise.reject(new PoolClosedError());
    if (this.#broken) return Promise.reject(this.#broken);
    const idle = this.#idleWorker();
    if (!idle && this.queueDepth >= this.#opts.maxQueue) {
      this.#counts.rejected++;
      return Promise.reject(new PoolQueueFullError(this.#opts.maxQueue));
    }
    return new Promise<TResult>((resolve, reject) => {
      const entry: Task = { id: this.#nextTaskId++, task, transfer, resolve: resolve as (r: unknown) => void, reject };
      if (idle) this.#run(idle, entry);
      else this.#queue.push(entry);
    });
  }

  /** Tasks waiting for a worker. */
  get queueDepth(): number {
    return this.#queue.length - this.#head;
  }

  /** Workers running a task. */
  get busyWorkers(): number {
    let busy = 0;
    for (const w of this.#workers) if (w.current) busy++;
    return busy;
  }

  stats(): PoolStats {
    return {
      size: this.#opts.size,
      workers: this.#workers.size,
      busy: this.busyWorkers,
      queued: this.queueDepth,
      maxQueue: this.#opts.maxQueue,
      ...this.#counts,
    };
  }

  /**
   * Stop accepting tasks, let every queued and running task finish (their promises settle as
   * usual), then terminate the workers. Resolves once every worker thread has exited.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      if (this.queueDepth > 0 || this.busyWorkers > 0) await new Promise<void>((resolve) => (this.#onIdle = resolve));
      await Promise.all(
        [...this.#workers].map((w) => {
          w.retiring = true;
          return w.worker.terminate();
        }),
      );
      this.#workers.clear();
    })();
    return this.#closing;
  }

  #spawn(): PoolWorker {
    const data: PoolWorkerData = { handler: this.#opts.handler.href };
    const w: PoolWorker = {
      id: this.#nextWorkerId++,
      worker: createWorker(WORKER_ENTRY, { workerData: data }),
      ready: false,
      current: null,
      retiring: false,
    };
    w.worker.on('message', (msg: WorkerMessage) => this.#onMessage(w, msg));
    w.worker.on('error', (err: Error) => (w.lastError = err));
    w.worker.on('exit', (code: number) => this.#onExit(w, code));
    this.#workers.add(w);
    return w;
  }

  #idleWorker(): PoolWorker | undefined {
    for (const w of this.#workers) if (!w.current && !w.retiring) return w;
    return undefined;
  }

  #run(w: PoolWorker, t: Task): void {
    w.current = t;
    w.worker.postMessage({ id: t.id, task: t.task }, t.transfer);
  }

  #onMessage(w: PoolWorker, msg: WorkerMessage): void {
    if (msg.type === 'ready') {
      w.ready = true;
      return;
    }
    const t = w.current;
    if (!t || t.id !== msg.id) return; // cannot happen with one task per worker; never settle twice
    w.current = null;
    if (msg.ok) {
      this.#counts.completed++;
      t.resolve(msg.result);
    } else {
      this.#counts.failed++;
      t.reject(new TaskFailedError(msg.error.name, msg.error.message, msg.error.stack));
    }
    this.#feed(w);
  }

  #onExit(w: PoolWorker, code: number): void {
    this.#workers.delete(w);
    if (w.retiring) return;
    const t = w.current;
    w.current = null;
    if (!w.ready) {
      // The handler module never loaded: every replacement would die the same way.
      this.#fail(new PoolStartError(this.#opts.handler.href, w.lastError), t);
      return;
    }
    this.#counts.crashed++;
    if (t) {
      this.#counts.failed++;
      t.reject(new WorkerCrashedError(w.id, code, w.lastError));
    }
    this.#feed(this.#spawn());
  }

  /** Give `w` the oldest waiting task, or report idleness to a pending close(). */
  #feed(w: PoolWorker): void {
    if (this.queueDepth > 0) {
      const next = this.#queue[this.#head]!;
      this.#queue[this.#head++] = undefined as unknown as Task; // let the task be collected
      if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
        this.#queue = this.#queue.slice(this.#head);
        this.#head = 0;
      }
      this.#run(w, next);
    } else if (this.#onIdle && this.busyWorkers === 0) {
      this.#onIdle();
      this.#onIdle = null;
    }
  }

  /** The pool cannot work at all: fail everything it holds and refuse what comes. */
  #fail(err: Error, running: Task | null): void {
    this.#broken = err;
    this.#counts.failed += (running ? 1 : 0) + this.queueDepth;
    running?.reject(err);
    for (let i = this.#head; i < this.#queue.length; i++) this.#queue[i]!.reject(err);
    this.#queue = [];
    this.#head = 0;
    if (this.#onIdle && this.busyWorkers === 0) {
      this.#onIdle();
      this.#onIdle = null;
    }
  }
}
