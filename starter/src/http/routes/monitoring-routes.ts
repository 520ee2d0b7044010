// Level 7 · provided: read it, don't change it.
import type { AlertManager } from '../../alerts/alert-manager.ts';
import type { Clock } from '../../lib/clock.ts';
import { parseRangeQuery, runRangeQuery } from '../../query/range-query.ts';
import type { SeriesStore } from '../../storage/series-store.ts';
import { ok } from '../reply.ts';
import type { Handler } from '../router.ts';

/** GET /query, grown up: phase 0's parameters plus match= matchers and p50/p99/rate (query/range-query.ts). */
export const rangeQueryRoute =
  (store: SeriesStore, clock: Clock): Handler =>
  ({ url }) =>
    ok(runRangeQuery(store, parseRangeQuery(url.searchParams, clock.now())));

/** GET /series: every metric name with the tags of its series (the dashboard's picker). */
export const seriesRoute =
  (store: SeriesStore): Handler =>
  () =>
    ok({ metrics: store.catalog() });

/** GET /alerts, grown up: every rule with severity, state, timestamps and recent transitions. */
export const managedAlertsRoute =
  (alerts: AlertManager): Handler =>
  () => {
    const list = alerts.list();
    return ok({ alerts: list, firing: list.filter((a) => a.status === 'firing').length });
  };
