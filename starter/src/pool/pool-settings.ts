/**
 * Pool sizing for the service, from the environment: METRICSTREAM_POOL_SIZE (worker threads) and
 * METRICSTREAM_POOL_QUEUE (requests that may wait). Unset = the pool's defaults (options.ts).
 * A bad value stops the service at start-up, naming the variable.
 */
/**
 * The finished service's inline cut-over, in request-body bytes (measured: docs/performance.md).
 * With the fused byte parser, inline wins on throughput at every size we measured (up to 245 KB);
 * the cap bounds how long one body holds the event loop (~2 ms at 256 KiB): larger ones go to the pool.
 */
export const FINAL_INLINE_MAX_BYTES = 256 * 1024;

export interface PoolSettings {
  size?: number;
  maxQueue?: number;
  /** METRICSTREAM_INLINE_MAX_BYTES: bodies up to this size skip the pool (see PoolProcessor). */
  inlineMaxBytes?: number;
}

export function poolSettingsFromEnv(env: NodeJS.ProcessEnv): PoolSettings {
  const read = (name: string, min: number): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    const n = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
    if (!Number.isSafeInteger(n) || n < min) throw new RangeError(`${name} must be an integer >= ${min}, got "${raw}"`);
    return n;
  };
  const size = read('METRICSTREAM_POOL_SIZE', 1);
  const maxQueue = read('METRICSTREAM_POOL_QUEUE', 0);
  const inlineMaxBytes = read('METRICSTREAM_INLINE_MAX_BYTES', 0);
  return {
    ...(size !== undefined ? { size } : {}),
    ...(maxQueue !== undefined ? { maxQueue } : {}),
    ...(inlineMaxBytes !== undefined ? { inlineMaxBytes } : {}),
  };
}
