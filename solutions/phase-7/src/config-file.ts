// Level 7 · exercise of phase 7: yours to write on its branch; later branches hold the reference.
import { readFileSync } from 'node:fs';

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
const MAX_BUCKET = 2 ** 21 - 1; // what one packed token-bucket word can hold

type Check = (value: unknown) => string | undefined; // undefined = fine, else the reason

const got = (v: unknown): string => `, got ${JSON.stringify(v)}`;
const integer = (min: number, max = Number.MAX_SAFE_INTEGER): Check => (v) =>
  Number.isInteger(v) && (v as number) >= min && (v as number) <= max
    ? undefined
    : `must be an integer in ${min}..${max === Number.MAX_SAFE_INTEGER ? '∞' : max}${got(v)}`;
const text: Check = (v) => (typeof v === 'string' && v.trim() !== '' ? undefined : `must be a non-empty string${got(v)}`);

const TOP: Record<string, Check> = {
  port: integer(0, 65_535),
  host: text,
  dataFile: text,
  rulesFile: text,
  level: integer(0, MAX_LEVEL),
  maxBodyBytes: integer(1),
  alertIntervalMs: integer(1),
  shutdownGraceMs: integer(1),
  keepAliveTimeoutMs: integer(1),
  headersTimeoutMs: integer(1),
  requestTimeoutMs: integer(1),
};
const RATE_LIMIT: Record<string, Check> = {
  capacity: integer(1, MAX_BUCKET),
  refillTokens: integer(1),
  refillIntervalMs: integer(1),
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Check every key of `raw` against `fields`; unknown keys are errors too (a typo must not pass silently). */
function checkFields(raw: Record<string, unknown>, fields: Record<string, Check>, prefix: string, source: string): void {
  for (const [key, value] of Object.entries(raw)) {
    const field = prefix + key;
    const check = fields[key];
    if (!check) throw new ConfigFieldError(source, field, `is not a known setting (known: ${Object.keys(fields).join(', ')})`);
    const reason = check(value);
    if (reason) throw new ConfigFieldError(source, field, reason);
  }
}

/** Validate a parsed config file; returns it typed, or throws a ConfigFieldError naming the first bad field. */
export function validateFileConfig(raw: unknown, source: string): FileConfig {
  if (!isObject(raw)) throw new ConfigFieldError(source, '(root)', `must be a JSON object${got(raw)}`);
  const { rateLimit, ...rest } = raw;
  checkFields(rest, TOP, '', source);
  if (rateLimit !== undefined) {
    if (!isObject(rateLimit)) throw new ConfigFieldError(source, 'rateLimit', `must be an object${got(rateLimit)}`);
    checkFields(rateLimit, RATE_LIMIT, 'rateLimit.', source);
    for (const key of Object.keys(RATE_LIMIT)) {
      if (rateLimit[key] === undefined) throw new ConfigFieldError(source, `rateLimit.${key}`, 'is required when rateLimit is set');
    }
  }
  const cfg = raw as FileConfig;
  // Node refuses a server whose requestTimeout is shorter than its headersTimeout: say so by name.
  if (cfg.headersTimeoutMs !== undefined && cfg.requestTimeoutMs !== undefined && cfg.requestTimeoutMs < cfg.headersTimeoutMs) {
    throw new ConfigFieldError(source, 'requestTimeoutMs', `must be >= headersTimeoutMs (${cfg.headersTimeoutMs})${got(cfg.requestTimeoutMs)}`);
  }
  return cfg;
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
