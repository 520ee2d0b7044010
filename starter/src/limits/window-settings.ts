// Level 4 · provided: read it, don't change it.
import type { Config, RateLimitSettings } from '../config.ts';

/** Phase 4's limit: at most `limit` requests per client in any `windowMs`. */
export interface WindowSettings {
  limit: number;
  windowMs: number;
}

/**
 * The configured window (METRICSTREAM_RATE_LIMIT, METRICSTREAM_RATE_WINDOW_MS), else the
 * token-bucket rate turned into a window of the same burst and long-run rate: `capacity` requests
 * per `capacity / refillTokens * refillIntervalMs` ms.
 */
export function windowSettings(window: Config['window'], rate: RateLimitSettings): WindowSettings {
  return {
    limit: window.limit ?? rate.capacity,
    windowMs: window.windowMs ?? Math.max(1, Math.round((rate.capacity / rate.refillTokens) * rate.refillIntervalMs)),
  };
}
