// Level 6 · provided: read it, don't change it.
/** Messages between a WorkerPool (main thread) and its workers (pool-worker.ts). */

/** Passed as `workerData` to every pool worker. */
export interface PoolWorkerData {
  /** `href` of the handler module (its default export runs one task). */
  handler: string;
}

/** Main thread -> worker: run one task. A worker only ever holds one task at a time. */
export interface TaskMessage {
  id: number;
  task: unknown;
}

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
}

/** Worker -> main thread. `ready` once the handler module is loaded, then one `result` per task. */
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'result'; id: number; ok: true; result: unknown }
  | { type: 'result'; id: number; ok: false; error: SerializedError };
