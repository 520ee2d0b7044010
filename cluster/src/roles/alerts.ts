import { loadServiceRules } from '../../../starter/src/alerts/service-rules.ts';
import type { AlertingParts } from '../../../starter/src/levels/seams.ts';
import type { SeriesStore } from '../../../starter/src/storage/series-store.ts';
import type { ClickHouseAccess } from '../clickhouse/endpoints.ts';
import { readWindow } from '../clickhouse/window.ts';
import type { Lease } from '../jetstream/lease.ts';

export interface LeasedAlertingOptions {
  lease: Lease;
  clickhouse: ClickHouseAccess;
  table: string;
  rulesFile: string;
  now: () => number;
  log: (line: string) => void;
}

export interface LeasedAlertingStats {
  /** Evaluations run while holding the lease. */
  evaluations: number;
  /** Ticks skipped because another node holds the lease. */
  standby: number;
  /** Evaluations skipped because ClickHouse could not be read (states kept as they were). */
  readFailures: number;
}

/**
 * The finished service's alerting (AlertManager: rules, states, webhook) made safe to run on several
 * nodes: a tick evaluates only while this node holds the lease, on a store refilled from ClickHouse
 * with the rules' windows. The standby nodes keep ticking and take over when the holder's lease
 * lapses, so the rules keep being evaluated with at most one evaluator at a time.
 */
export function leasedAlerting(inner: AlertingParts, store: SeriesStore, opts: LeasedAlertingOptions): AlertingParts & { stats(): LeasedAlertingStats } {
  const { rules } = loadServiceRules(opts.rulesFile);
  const names = [...new Set(rules.map((r) => r.state.metric))];
  const longestWindow = Math.max(0, ...rules.map((r) => r.windowMs));
  const counters: LeasedAlertingStats = { evaluations: 0, standby: 0, readFailures: 0 };
  let timer: NodeJS.Timeout | undefined;
  let running = false;

  const tick = async (): Promise<void> => {
    if (running) return; // a slow read must not pile ticks up
    running = true;
    try {
      if (!opts.lease.held()) {
        counters.standby++;
        return;
      }
      const now = opts.now();
      let points;
      try {
        points = await opts.clickhouse.run((client) => readWindow(client, names, now - longestWindow, now, opts.table));
      } catch (err) {
        // Evaluating on an empty store would resolve every firing alert: keep the states instead.
        counters.readFailures++;
        opts.log(`alerts: ClickHouse unreadable, evaluation skipped (${(err as Error).message})`);
        return;
      }
      // The read may have outlasted the lease: never act on a lease we no longer hold.
      if (!opts.lease.held()) return;
      store.prune(Number.MAX_SAFE_INTEGER);
      store.add(points);
      inner.alerts.evaluate();
      counters.evaluations++;
    } finally {
      running = false;
    }
  };

  return {
    ...inner,
    alerts: {
      evaluate: () => void tick(),
      list: () => inner.alerts.list(),
      start: (intervalMs) => {
        if (rules.length > 0) timer ??= setInterval(() => void tick(), intervalMs).unref();
      },
      stop: () => {
        clearInterval(timer);
        timer = undefined;
        inner.alerts.stop();
      },
    },
    stats: () => ({ ...counters }),
  };
}
