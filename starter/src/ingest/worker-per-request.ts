// Level 1 · exercise of phase 1: yours to write on its branch; later branches hold the reference.
import type { Worker, WorkerOptions } from 'node:worker_threads';
import { fromWire } from './errors.ts';
import type { Metric } from './metric.ts';
import type { IngestProcessor } from './processor.ts';
import { WorkerFailedError, WorkerUnavailableError } from './worker-errors.ts';
import type { IngestOutcome, IngestTask } from './ingest-step.ts';
import type { Clock } from '../lib/clock.ts';
import { isTodoError, todo } from '../lib/todo.ts';
import { createWorker } from '../lib/ts-worker.ts';

/** Starts one worker thread; `createWorker` unless a test or a drill injects failures. */
export type SpawnWorker = (entry: URL, options?: WorkerOptions) => Worker;

export interface WorkerPerRequestOptions {
  clock: Clock;
  /** The worker entry; it decides the parser. Default: ingest-worker.ts (the naive parser). */
  entry?: URL;
  spawn?: SpawnWorker;
  /** A worker that has not answered by then is terminated and the request gets 503. Default 30 s. */
  timeoutMs?: number;
}

export const INGEST_WORKER_ENTRY = new URL('./ingest-worker.ts', import.meta.url);
export const DEFAULT_WORKER_TIMEOUT_MS = 30_000;

/**
 * Phase 1's ingest path (level >= 1): every request body is parsed and validated in a Worker
 * started for that request, so a big batch keeps one thread busy instead of the event loop.
 * The price: starting a thread (and its module graph) on every request.
 */
export class WorkerPerRequestProcessor implements IngestProcessor {
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly opts: WorkerPerRequestOptions) {}

  async process(body: Buffer, client: string): Promise<Metric[]> {
    const task: IngestTask = { body, client, now: this.opts.clock.now() };
    const run = this.runInWorker(task);
    this.inFlight.add(run);
    try {
      const outcome = await run;
      if (!outcome.ok) throw fromWire(outcome.error);
      return outcome.metrics;
    } finally {
      this.inFlight.delete(run);
    }
  }

  /** Waits for the requests in flight; each one terminates its own worker before it settles. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Start a worker, send it the task, and settle with its answer — or with the reason there is
   * none. Whatever happens, the worker is terminated before the promise settles.
   */
  private runInWorker(task: IngestTask): Promise<IngestOutcome> {
    // TODO(phase-1): run `task` in a worker started for this request, and clean it up.
    // - start it with (this.opts.spawn ?? createWorker)(this.opts.entry ?? INGEST_WORKER_ENTRY);
    //   if that throws, reject with a WorkerUnavailableError (503): no thread for this request now
    // - postMessage(task); the worker's first 'message' is the IngestOutcome to resolve with
    // - 'error' (it crashed) or 'exit' before an answer: reject with a WorkerFailedError (500);
    //   pass a TodoError through unchanged (isTodoError) so the learner sees 501
    // - no answer within this.opts.timeoutMs ?? DEFAULT_WORKER_TIMEOUT_MS: reject with a WorkerUnavailableError
    // - on EVERY path, terminate the worker before you settle: it keeps listening after it answers
    // Settle once: a crashing worker emits 'error' and then 'exit'.
    void task, void createWorker, void isTodoError, void WorkerFailedError, void WorkerUnavailableError;
    return todo(1, 'WorkerPerRequestProcessor.runInWorker', 'docs/phase-1-threads.md#exercise-1-a-worker-per-request');
  }
}
