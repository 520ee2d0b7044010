// Level 0 · provided: read it, don't change it.
import type http from 'node:http';
import type { Config, ProcessorKind } from '../config.ts';
import type { Admission } from '../http/admission.ts';
import type { Handler, Methods } from '../http/router.ts';
import type { IngestStep } from '../ingest/ingest-step.ts';
import type { IngestProcessor } from '../ingest/processor.ts';
import type { Clock } from '../lib/clock.ts';
import type { ServiceStats } from '../stats/service-stats.ts';
import type { SeriesStore } from '../storage/series-store.ts';
import type { MetricWriter } from '../storage/writer.ts';

/**
 * The seams of the service: every mechanism a phase replaces. Level 0 fills all of them
 * (levels/level-0.ts); each later level is a function from the previous level's seams to its own
 * (levels/level-N.ts), replacing only what its phase changes. service.ts composes them up to
 * `config.level`, so one tree runs as any level it contains, and a learning branch holds only the
 * levels up to its own.
 */
export interface Seams {
  stats(w: Base): ServiceStats;
  /** How a request body becomes metrics (parse + validate), on the calling thread. */
  parse: IngestStep;
  /** The entry module of a per-request worker that runs the same step (phase 1). */
  workerEntry?: URL;
  /** Where bodies are parsed, by kind (`--processor` picks one; `processor` is the level's own). */
  processors: Partial<Record<ProcessorKind, (w: Wiring, seams: Seams) => IngestProcessor>>;
  processor: ProcessorKind;
  writer(w: Wiring): MetricWriter;
  admission(w: Wiring): Admission;
  alerting(w: Wiring, store: SeriesStore): AlertingParts;
  /** GET /query's handler. */
  query(w: Wiring, store: SeriesStore): Handler;
  storage(w: Wiring, store: SeriesStore): StorageLifecycle;
  /** What a level adds around the HTTP server (routes, monitoring, the dashboard). */
  extensions: ((w: Wiring, service: ServiceView) => Extension)[];
}

/** What a level's mechanisms may need before the stats exist. */
export interface Base {
  config: Config;
  clock: Clock;
  log: (line: string) => void;
}

/** Everything a level's mechanisms may need to be built. */
export interface Wiring extends Base {
  stats: ServiceStats;
}

/** What the service and tools need of the alerting, whichever implementation runs. */
export interface Alerting {
  evaluate(): void;
  list(): unknown[];
  start(intervalMs: number): void;
  stop(): void;
}

/** Sends notifications; `settled()` resolves when every send so far has finished (tests wait on it). */
export interface Notifier {
  settled(): Promise<void>;
  close(): Promise<void>;
}

export interface AlertingParts {
  alerts: Alerting;
  /** GET /alerts */
  route: Handler;
  notifier?: Notifier;
}

/** The data on disk, around the in-memory store's life. */
export interface StorageLifecycle {
  /** Fill the store before the writer appends: how many points, and how many unreadable lines. */
  load(): { loaded: number; skipped: number };
  /** After the writer closed: everything accepted is in the log and the store. */
  closed?(): void;
  /** Stop timers. */
  stop?(): void;
}

/** The parts of a running service an extension may read. */
export interface ServiceView {
  store: SeriesStore;
  queueDepth(): number;
}

/** A level's additions around the HTTP server. */
export interface Extension {
  routes?: Record<string, Methods>;
  /** Sees every answer (route, status, start time from performance.now()). */
  observe?(route: string, status: number, startedAt: number): void;
  /** Answers a request itself (a page, an event stream) instead of the router; true when it did. */
  handle?(req: http.IncomingMessage, res: http.ServerResponse): boolean;
  attach?(server: http.Server): void;
  close?(): void | Promise<void>;
}

/** A level after 0: replaces the seams its phase changes. */
export type Level = (prev: Seams) => Seams;
