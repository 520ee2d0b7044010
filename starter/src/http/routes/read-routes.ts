// Level 0 · provided: read it, don't change it.
import type { AlertMonitor } from '../../alerts/alert-monitor.ts';
import type { Clock } from '../../lib/clock.ts';
import { parseQueryParams } from '../../query/query-params.ts';
import { runQuery } from '../../query/run-query.ts';
import type { ServiceStats } from '../../stats/service-stats.ts';
import type { SeriesStore } from '../../storage/series-store.ts';
import { ok } from '../reply.ts';
import type { Handler } from '../router.ts';

/** GET /query?name=&start=&end=&tags=&agg=&step= */
export const queryRoute =
  (store: SeriesStore, clock: Clock): Handler =>
  ({ url }) =>
    ok(runQuery(store, parseQueryParams(url.searchParams, clock.now())));

/** GET /alerts: every rule with its state. */
export const alertsRoute =
  (monitor: AlertMonitor): Handler =>
  () =>
    ok({ alerts: monitor.list() });

/** GET /health: liveness plus the service's counters. */
export const healthRoute =
  (info: { level: number; startedAt: number; stats: ServiceStats; store: SeriesStore; queueDepth: () => number }): Handler =>
  () =>
    ok({
      status: 'ok',
      level: info.level,
      uptimeSec: Math.round((performance.now() - info.startedAt) / 1000),
      counters: info.stats.snapshot(),
      queueDepth: info.queueDepth(),
      stored: info.store.size,
    });
