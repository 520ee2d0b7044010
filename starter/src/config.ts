// Level 0 · provided: read it, don't change it.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { importLevel, MissingLevelError } from './lib/later-level.ts';

/** The last phase of the course: main runs with every feature. */
export const FINAL_LEVEL = 7;

export interface Config {
  port: number;
  host: string;
  dataFile: string;
  /** JSON alert rules; none = no alerting. */
  rulesFile?: string;
  /** Highest phase whose features the service uses (see service.ts). */
  level: number;
  maxBodyBytes: number;
  alertIntervalMs: number;
  /** Test knob: every fsync takes this much longer (a slow disk on demand). 0 = the real disk. */
  diskLatencyMs: number;
  /**
   * Measurement knob: where POST bodies are parsed, instead of the level's choice. Lets a probe change
   * one mechanism and hold the others still (phase 2 compares writers with parsing kept inline).
   */
  processor?: ProcessorKind;
  /** Phase 2: most metrics the AsyncWriter holds before POSTs get 503. */
  queueMax: number;
  /** Phase 2: longest a metric waits in the AsyncWriter's queue before it is written. */
  flushIntervalMs: number;
  /**
   * Per-client rate (set from the config file, else the defaults below): phase 7's token bucket, and
   * the rate phase 4's sliding window is derived from unless `window` sets it.
   */
  rateLimit?: RateLimitSettings;
  /** Phase 4: METRICSTREAM_RATE_LIMIT requests per METRICSTREAM_RATE_WINDOW_MS; unset = from `rateLimit`. */
  window: { limit?: number; windowMs?: number };
  /** Phase 6: METRICSTREAM_POOL_SIZE, METRICSTREAM_POOL_QUEUE, METRICSTREAM_INLINE_MAX_BYTES; unset = the pool's defaults. */
  pool: { size?: number; maxQueue?: number; inlineMaxBytes?: number };
  /** Phase 7: a shutdown still draining after this long gives up and exits 1. */
  shutdownGraceMs?: number;
  /** Phase 7: server.keepAliveTimeout / headersTimeout / requestTimeout. */
  keepAliveTimeoutMs?: number;
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** Final level: points older than this are dropped from memory (the data file keeps them). 0 = keep all. */
  retentionMs: number;
  /**
   * Final level: length of a time partition of the on-disk segments (`<dataFile>.segments/`, one file
   * per partition) that make a restart fast. 0 = no segments: a restart replays the whole log.
   */
  segmentPartitionMs: number;
  /** Final level: time between two frames of the dashboard's GET /events stream. */
  liveIntervalMs: number;
  /**
   * Final level: how the event loop hands accepted batches to the writer thread: `ring`, phase 5's
   * SPSC ring in shared memory (no message, no answer per batch), or `message`, one postMessage per
   * turn of the event loop and the thread's answer before the 200 (docs/performance.md measures both).
   */
  handOver: HandOver;
}

/** A per-client token bucket: `capacity` requests in a burst, `refillTokens` credited back every `refillIntervalMs`. */
export interface RateLimitSettings {
  capacity: number;
  refillTokens: number;
  refillIntervalMs: number;
}

/** What a config file may set (phase 7's config-file.ts reads and checks it). */
export type FileSettings = Partial<
  Pick<
    Config,
    'port' | 'host' | 'dataFile' | 'rulesFile' | 'level' | 'maxBodyBytes' | 'alertIntervalMs' | 'rateLimit' | 'shutdownGraceMs' | 'keepAliveTimeoutMs' | 'headersTimeoutMs' | 'requestTimeoutMs'
  >
>;

/** What config.ts needs of phase 7's config-file.ts, loaded only when a file is named. */
export interface ConfigFileModule {
  readConfigFile(file: string): FileSettings;
  ConfigFieldError: abstract new (...args: never[]) => Error;
}

/**
 * Phase 7's production settings when the config file does not set them: a generous rate limit
 * (load tests measure the service, not the limit), keep-alive longer than a balancer's usual 60 s
 * idle timeout, headers timeout longer than keep-alive, request timeout at least the headers timeout.
 */
export const PRODUCTION_DEFAULTS = {
  rateLimit: { capacity: 20_000, refillTokens: 2_000, refillIntervalMs: 100 },
  shutdownGraceMs: 10_000,
  keepAliveTimeoutMs: 65_000,
  headersTimeoutMs: 66_000,
  requestTimeoutMs: 120_000,
} as const satisfies Partial<Config>;

export const PROCESSOR_KINDS = ['inline', 'worker', 'pool'] as const;
export const HAND_OVERS = ['ring', 'message'] as const;
export type HandOver = (typeof HAND_OVERS)[number];
export type ProcessorKind = (typeof PROCESSOR_KINDS)[number];

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const OPTIONS = {
  config: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  'data-file': { type: 'string' },
  'rules-file': { type: 'string' },
  level: { type: 'string' },
  'max-body-bytes': { type: 'string' },
  'alert-interval-ms': { type: 'string' },
  'disk-latency-ms': { type: 'string' },
  processor: { type: 'string' },
  'queue-max': { type: 'string' },
  'flush-interval-ms': { type: 'string' },
  retention: { type: 'string' },
  'segment-partition': { type: 'string' },
  'live-interval-ms': { type: 'string' },
  'hand-over': { type: 'string' },
} as const;

/**
 * Flags beat environment variables beat the config file beat defaults. Every bad value is a
 * ConfigError naming the flag (or variable) and what it should be.
 */
export async function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Config> {
  let values: Partial<Record<keyof typeof OPTIONS, string>>;
  try {
    ({ values } = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new ConfigError(`${(err as Error).message}. Known flags: ${Object.keys(OPTIONS).map((k) => `--${k}`).join(', ')}`);
  }
  const pick = (flag: keyof typeof OPTIONS, envName?: string): { raw: string; source: string } | undefined => {
    if (values[flag] !== undefined) return { raw: values[flag]!, source: `--${flag}` };
    if (envName && env[envName] !== undefined && env[envName] !== '') return { raw: env[envName]!, source: envName };
    return undefined;
  };
  const configFile = pick('config', 'METRICSTREAM_CONFIG');
  const file: FileSettings = configFile ? await fileConfig(nonEmpty(configFile)) : {};
  const port = pick('port', 'METRICSTREAM_PORT');
  const host = pick('host', 'METRICSTREAM_HOST');
  const dataFile = pick('data-file', 'METRICSTREAM_DATA_FILE');
  const rulesFile = pick('rules-file', 'METRICSTREAM_RULES_FILE');
  const level = pick('level', 'METRICSTREAM_LEVEL');
  const maxBody = pick('max-body-bytes');
  const interval = pick('alert-interval-ms');
  const diskLatency = pick('disk-latency-ms');
  const processor = pick('processor');
  const queueMax = pick('queue-max');
  const flushInterval = pick('flush-interval-ms');
  const retention = pick('retention', 'METRICSTREAM_RETENTION');
  const segmentPartition = pick('segment-partition', 'METRICSTREAM_SEGMENT_PARTITION');
  const liveInterval = pick('live-interval-ms');
  const handOver = pick('hand-over', 'METRICSTREAM_HAND_OVER');
  const fromEnv = (name: string, min: number, max: number): number | undefined => {
    const raw = env[name];
    return raw === undefined || raw === '' ? undefined : integer({ raw, source: name }, min, max);
  };
  return {
    port: port ? integer(port, 0, 65_535) : (file.port ?? 8080),
    host: host ? nonEmpty(host) : (file.host ?? '127.0.0.1'),
    dataFile: dataFile ? nonEmpty(dataFile) : (file.dataFile ?? 'metrics.jsonl'),
    ...(rulesFile ? { rulesFile: nonEmpty(rulesFile) } : file.rulesFile ? { rulesFile: file.rulesFile } : {}),
    level: level ? integer(level, 0, FINAL_LEVEL) : (file.level ?? defaultLevel()),
    maxBodyBytes: maxBody ? integer(maxBody, 1, 2 ** 31 - 1) : (file.maxBodyBytes ?? 1024 * 1024),
    alertIntervalMs: interval ? integer(interval, 1, 86_400_000) : (file.alertIntervalMs ?? 1000),
    diskLatencyMs: diskLatency ? integer(diskLatency, 0, 60_000) : 0,
    ...(processor ? { processor: oneOf(processor, PROCESSOR_KINDS) } : {}),
    queueMax: queueMax ? integer(queueMax, 1, 10_000_000) : 100_000,
    flushIntervalMs: flushInterval ? integer(flushInterval, 0, 3_600_000) : 100,
    rateLimit: file.rateLimit ?? PRODUCTION_DEFAULTS.rateLimit,
    shutdownGraceMs: file.shutdownGraceMs ?? PRODUCTION_DEFAULTS.shutdownGraceMs,
    keepAliveTimeoutMs: file.keepAliveTimeoutMs ?? PRODUCTION_DEFAULTS.keepAliveTimeoutMs,
    headersTimeoutMs: file.headersTimeoutMs ?? PRODUCTION_DEFAULTS.headersTimeoutMs,
    requestTimeoutMs: file.requestTimeoutMs ?? PRODUCTION_DEFAULTS.requestTimeoutMs,
    retentionMs: retention ? duration(retention) : 0,
    segmentPartitionMs: segmentPartition ? partitionLength(segmentPartition) : DEFAULT_SEGMENT_PARTITION_MS,
    liveIntervalMs: liveInterval ? integer(liveInterval, 50, 60_000) : 1000,
    handOver: handOver ? oneOf(handOver, HAND_OVERS) : 'ring',
    window: defined({ limit: fromEnv('METRICSTREAM_RATE_LIMIT', 1, 1_000_000), windowMs: fromEnv('METRICSTREAM_RATE_WINDOW_MS', 1, 1_000_000) }),
    pool: defined({
      size: fromEnv('METRICSTREAM_POOL_SIZE', 1, 1024),
      maxQueue: fromEnv('METRICSTREAM_POOL_QUEUE', 0, 10_000_000),
      inlineMaxBytes: fromEnv('METRICSTREAM_INLINE_MAX_BYTES', 0, 2 ** 31 - 1),
    }),
  };
}

/** The settings that are set: an unset variable leaves its key out, so defaults further on apply. */
function defined<T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}

/** Phase 7: `--config <file>` / METRICSTREAM_CONFIG. Flags and environment still win over the file. */
async function fileConfig(raw: string): Promise<FileSettings> {
  const { readConfigFile, ConfigFieldError } = await importLevel<ConfigFileModule>('config-file.ts', 7).catch((err: unknown) => {
    throw err instanceof MissingLevelError ? new ConfigError(`cannot read ${raw}: the config file is phase 7's. ${err.message}`) : err;
  });
  try {
    return readConfigFile(raw);
  } catch (err) {
    throw err instanceof ConfigFieldError ? new ConfigError(err.message) : err;
  }
}

function integer({ raw, source }: { raw: string; source: string }, min: number, max: number): number {
  const n = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new ConfigError(`${source} must be an integer from ${min} to ${max}, got "${raw}"`);
  return n;
}

/** `0` (keep everything), or a duration like `36h`, `7d`, `90m`. */
function duration({ raw, source }: { raw: string; source: string }): number {
  const m = /^(\d+)(ms|s|m|h|d)?$/.exec(raw.trim());
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  const ms = m ? Number(m[1]) * unit[m[2] ?? 'ms']! : NaN;
  if (!Number.isSafeInteger(ms)) throw new ConfigError(`${source} must be 0 or a duration like 36h or 7d, got "${raw}"`);
  return ms;
}

const DEFAULT_SEGMENT_PARTITION_MS = 3_600_000;
const MIN_PARTITION_MS = 60_000;
const MAX_PARTITION_MS = 31 * 86_400_000;

/** `0` (no segments) or a duration from 1m to 31d: shorter makes thousands of files, longer rewrites huge ones. */
function partitionLength(flag: { raw: string; source: string }): number {
  const ms = /^\d+(ms|s|m|h|d)?$/.test(flag.raw.trim()) ? duration(flag) : NaN;
  if (ms === 0 || (ms >= MIN_PARTITION_MS && ms <= MAX_PARTITION_MS)) return ms;
  throw new ConfigError(`${flag.source} must be 0 (no segments) or a duration from 1m to 31d like 1h or 6h, got "${flag.raw}"`);
}

function nonEmpty({ raw, source }: { raw: string; source: string }): string {
  if (raw.trim() === '') throw new ConfigError(`${source} must not be empty`);
  return raw;
}

/** `lab.json` at the repository root marks a learning branch: run at its phase. Else the final level. */
export function defaultLevel(labFile = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../lab.json')): number {
  if (!existsSync(labFile)) return FINAL_LEVEL;
  try {
    const phase = (JSON.parse(readFileSync(labFile, 'utf8')) as { phase?: unknown }).phase;
    if (Number.isInteger(phase) && (phase as number) >= 0 && (phase as number) <= FINAL_LEVEL) return phase as number;
  } catch {
    // fall through: a broken marker is reported below
  }
  throw new ConfigError(`${labFile} must be JSON like {"phase": 3} with a phase from 0 to ${FINAL_LEVEL}`);
}

function oneOf<T extends string>({ raw, source }: { raw: string; source: string }, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  throw new ConfigError(`${source} must be one of ${allowed.join(', ')}; got "${raw}"`);
}
