import type { RateLimitSettings } from '../config-file.ts';

/** Phase 4's limit: at most `limit` requests per client in any `windowMs`. */
export interface WindowSettings {
  limit: number;
  windowMs: number;
}

/**
 * METRICSTREAM_RATE_LIMIT and METRICSTREAM_RATE_WINDOW_MS, else the configured token-bucket rate
 * turned into a window of the same burst and long-run rate: `capacity` requests per
 * `capacity / refillTokens * refillIntervalMs` ms.
 */
export function windowSettingsFromEnv(env: NodeJS.ProcessEnv, rate: RateLimitSettings): WindowSettings {
  return {
    limit: positive(env, 'METRICSTREAM_RATE_LIMIT') ?? rate.capacity,
    windowMs: positive(env, 'METRICSTREAM_RATE_WINDOW_MS') ?? Math.max(1, Math.round((rate.capacity / rate.refillTokens) * rate.refillIntervalMs)),
  };
}

function positive(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > 1_000_000) throw new RangeError(`${name} must be an integer from 1 to 1000000, got "${raw}"`);
  return n;
}
