// Level 6 · provided: read it, don't change it.
import { availableParallelism } from 'node:os';

/** How a WorkerPool is built. Only `handler` is required; the rest have defaults below. */
export interface WorkerPoolOptions {
  /**
   * Module run in every worker: its default export handles one task and returns (or resolves to)
   * the result. A `file:` URL; a `.ts` module works (see lib/ts-worker.ts).
   */
  handler: URL;
  /** Worker threads started up front and reused for every task. Default: the number of CPUs. */
  size?: number;
  /**
   * Tasks that may wait while every worker is busy. One more and submit() is refused with
   * PoolQueueFullError: this bound is the back pressure that keeps memory and latency finite
   * when callers send faster than the workers finish. 0 = no waiting at all. Default: size * 16.
   */
  maxQueue?: number;
}

export type ResolvedPoolOptions = Required<WorkerPoolOptions>;

export const DEFAULT_QUEUE_PER_WORKER = 16;

/** Apply defaults and validate, with one message shape: `options.<name> must be …`. */
export function resolvePoolOptions(options: WorkerPoolOptions): ResolvedPoolOptions {
  if (!(options.handler instanceof URL) || options.handler.protocol !== 'file:') {
    throw new TypeError('options.handler must be a file: URL (e.g. new URL("./task.ts", import.meta.url))');
  }
  const size = options.size ?? availableParallelism();
  if (!Number.isInteger(size) || size < 1) throw new RangeError('options.size must be a positive integer');
  const maxQueue = options.maxQueue ?? size * DEFAULT_QUEUE_PER_WORKER;
  if (!Number.isInteger(maxQueue) || maxQueue < 0) throw new RangeError('options.maxQueue must be a non-negative integer');
  return { handler: options.handler, size, maxQueue };
}
