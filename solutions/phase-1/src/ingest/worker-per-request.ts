// Level 1 · exercise of phase 1: yours to write on its branch; later branches hold the reference.
import type { Worker, WorkerOptions } from 'node:worker_threads';
import { fromWire } from './errors.ts';
import type { Metric } from './metric.ts';
import type { IngestProcessor } from './processor.ts';
import { WorkerFailedError, WorkerUnavailableError } from './worker-errors.ts';
import type { IngestOutcome, IngestTask } from './ingest-step.ts';
import type { Clock } from '../lib/clock.ts';
import { isTodoError } from '../lib/todo.ts';
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
    let worker: Worker;
    try {
      worker = (this.opts.spawn ?? createWorker)(this.opts.entry ?? INGEST_WORKER_ENTRY);
    } catch (err) {
      // Out of threads or memory: the service is fine, this request should come back later.
      return Promise.reject(new WorkerUnavailableError(`could not start an ingest worker: ${(err as Error).message}`));
    }
    const timeoutMs = this.opts.timeoutMs ?? DEFAULT_WORKER_TIMEOUT_MS;
    const answer = new Promise<IngestOutcome>((resolve, reject) => {
      // A worker may emit 'error' and then 'exit': the first event decides, later ones are ignored
      // (the listeners stay, so a late 'error' never becomes an uncaught exception).
      let settled = false;
      const finish = (settle: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        settle();
      };
      const timer = setTimeout(
        () => finish(() => reject(new WorkerUnavailableError(`the ingest worker did not answer within ${timeoutMs} ms`))),
        timeoutMs,
      );
      worker.on('message', (outcome: IngestOutcome) => finish(() => resolve(outcome)));
      worker.on('error', (err: Error) =>
        finish(() => reject(isTodoError(err) ? err : new WorkerFailedError(`the ingest worker crashed: ${err.message}`))),
      );
      worker.on('exit', (code: number) =>
        finish(() => reject(new WorkerFailedError(`the ingest worker exited with code ${code} before answering`))),
      );
      worker.postMessage(task);
    });
    // Cleanup on every path: an ingest worker keeps listening for messages, so one that is
    // not terminated stays alive (a leaked thread) even after it answered.
    return answer.finally(() => worker.terminate());
  }
}
