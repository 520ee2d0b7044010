// Level 6 · provided: read it, don't change it.
import { OverloadError } from '../lib/overload.ts';

/**
 * Every error a WorkerPool produces, in one place. Callers tell them apart by `name` (it survives
 * `instanceof` mistakes across module copies) and read `message`, which says what happened and
 * what to do next.
 */

/**
 * submit() was refused: every worker is busy and `maxQueue` tasks already wait. Back off and retry.
 * An OverloadError, so the HTTP layer answers it with 503 + Retry-After like every full queue.
 */
export class PoolQueueFullError extends OverloadError {
  override name = 'PoolQueueFullError';
  constructor(readonly maxQueue: number) {
    super(
      `worker pool overloaded: all workers are busy and the queue is full (${maxQueue} tasks waiting); retry later`,
      'queue_full',
      1,
    );
  }
}

/** submit() after close() was called: the pool finishes what it holds but accepts nothing new. */
export class PoolClosedError extends Error {
  override readonly name = 'PoolClosedError';
  readonly code = 'ERR_POOL_CLOSED';
  constructor() {
    super('worker pool is closed: it accepts no new tasks');
  }
}

/** The worker running a task died (process.exit, an uncaught error, out of memory). The task is not retried. */
export class WorkerCrashedError extends Error {
  override readonly name = 'WorkerCrashedError';
  readonly code = 'ERR_POOL_WORKER_CRASHED';
  constructor(
    readonly workerId: number,
    readonly exitCode: number,
    cause?: unknown,
  ) {
    super(
      `worker #${workerId} crashed (exit code ${exitCode}${cause instanceof Error ? `: ${cause.message}` : ''}) while running this task; ` +
        'the task was not retried, because it may have had effects already — submit it again if it is safe to repeat',
      { cause },
    );
  }
}

/** A worker could not load the handler module, so the pool cannot run anything. */
export class PoolStartError extends Error {
  override readonly name = 'PoolStartError';
  readonly code = 'ERR_POOL_START';
  constructor(handler: string, cause?: unknown) {
    super(`worker pool could not start a worker for ${handler}${cause instanceof Error ? `: ${cause.message}` : ''}`, { cause });
  }
}

/** The handler threw (or rejected) for this task; the worker itself is fine and keeps serving. */
export class TaskFailedError extends Error {
  override readonly name = 'TaskFailedError';
  readonly code = 'ERR_POOL_TASK_FAILED';
  constructor(
    /** `name` of the error the handler threw, e.g. `ValidationError`. */
    readonly remoteName: string,
    message: string,
    readonly remoteStack?: string,
  ) {
    super(message);
  }
}

/** True for a refusal because the pool is full, also one that crossed a worker boundary (only the name survives). */
export function isPoolQueueFull(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'PoolQueueFullError';
}
