// Level 7 · exercise of phase 7: yours to write on its branch; later branches hold the reference.
import { readFileSync } from 'node:fs';
import { todo } from './lib/todo.ts';

const LESSON = 'docs/phase-7-production.md#exercise-74-configuration-and-graceful-shutdown';

/**
 * The configuration file (`--config <path>` or METRICSTREAM_CONFIG): JSON whose keys are the flags'
 * names in camelCase. Precedence: flags > environment > file > defaults. Every key is checked here,
 * before the service starts, and a bad one is named: `rateLimit.capacity must be …, got 0`.
 * See docs/phase-7-production.md#exercise-74-configuration-and-graceful-shutdown.
 */
export interface RateLimitSettings {
  /** Requests a client may send in a burst. */
  capacity: number;
  /** Requests credited back every `refillIntervalMs`. */
  refillTokens: number;
  refillIntervalMs: number;
}

export interface FileConfig {
  port?: number;
  host?: string;
  dataFile?: string;
  rulesFile?: string;
  level?: number;
  maxBodyBytes?: number;
  alertIntervalMs?: number;
  rateLimit?: RateLimitSettings;
  /** How long a shutdown may take to drain before it gives up (exit 1). */
  shutdownGraceMs?: number;
  /** Idle keep-alive sockets are closed after this long (server.keepAliveTimeout). */
  keepAliveTimeoutMs?: number;
  /** A client must send the request headers within this long (server.headersTimeout). */
  headersTimeoutMs?: number;
  /** A whole request must arrive within this long (server.requestTimeout). */
  requestTimeoutMs?: number;
}

/** A bad setting, named: `field` is the dotted path of the key, e.g. `rateLimit.capacity`. */
export class ConfigFieldError extends Error {
  override readonly name = 'ConfigFieldError';
  constructor(
    readonly source: string,
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${source}: ${field} ${reason}`);
  }
}

export const MAX_LEVEL = 7;
/** Validate a parsed config file; returns it typed, or throws a ConfigFieldError naming the first bad field. */
export function validateFileConfig(raw: unknown, source: string): FileConfig {
  // TODO(phase-7): check every key of `raw` and throw `new ConfigFieldError(source, field, reason)` for the first
  // bad one, where `field` is the key's dotted path (`port`, `rateLimit.capacity`) and `reason` says what was
  // expected and what came: `must be an integer in 0..65535, got "80a"`.
  // - raw must be a JSON object (field '(root)'); an unknown key is an error too (a typo must not pass silently).
  // - port: integer 0..65535; level: integer 0..MAX_LEVEL; host, dataFile, rulesFile: non-empty strings;
  //   maxBodyBytes, alertIntervalMs, shutdownGraceMs and the three *TimeoutMs: integers >= 1.
  // - rateLimit: an object with all of capacity (1..2^21-1), refillTokens (>= 1), refillIntervalMs (>= 1).
  // - requestTimeoutMs must be >= headersTimeoutMs when both are set (Node refuses the opposite).
  return todo(7, 'validateFileConfig', LESSON);
}

/** Read and validate a config file; a missing file or bad JSON is a ConfigFieldError too. */
export function readConfigFile(file: string): FileConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigFieldError(file, '(file)', `cannot be read: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigFieldError(file, '(file)', `is not valid JSON: ${(err as Error).message}`);
  }
  return validateFileConfig(raw, file);
}
