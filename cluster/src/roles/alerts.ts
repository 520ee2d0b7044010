import { AlertManager, type AlertSnapshot } from '../../../starter/src/alerts/alert-manager.ts';
import type { AlertingParts } from '../../../starter/src/levels/seams.ts';
import type { SeriesStore } from '../../../starter/src/storage/series-store.ts';
import type { ClickHouseAccess } from '../clickhouse/endpoints.ts';
import { readWindow } from '../clickhouse/window.ts';
import type { Lease } from '../jetstream/lease.ts';

/** Where the holder keeps the rules' states for its successor (a KV bucket without expiry). */
export interface AlertStateStore {
  load(): Promise<AlertSnapshot | undefined>;
  save(snapshot: AlertSnapshot): Promise<void>;
}

export interface LeasedAlertingOptions {
  lease: Lease;
  states: AlertStateStore;
  clickhouse: ClickHouseAccess;
  table: string;
  now: () => number;
  log: (line: string) => void;
}

/**
 * The finished service's alerting (AlertManager: rules, states, webhook) made safe to run on several
 * nodes: a tick evaluates only while this node holds the lease, on a store refilled from ClickHouse
 * with the rules' windows. The standby nodes keep ticking and take over when the holder's lease
 * lapses, so the rules keep being evaluated with at most one evaluator at a time. The holder saves
 * the rules' states after each evaluation and a new holder starts from them: an alert firing when
 * its evaluator died stays the same episode, and is not notified again.
 */
export function leasedAlerting(inner: AlertingParts, store: SeriesStore, opts: LeasedAlertingOptions): AlertingParts {
  // The finished service's manager: its rules say what to read, it can hand its states on.
  if (!(inner.alerts instanceof AlertManager)) throw new TypeError('the alerts role needs the finished service (AlertManager)');
  const manager = inner.alerts;
  const rules = manager.rules;
  const names = [...new Set(rules.map((r) => r.state.metric))];
  const longestWindow = Math.max(0, ...rules.map((r) => r.windowMs));
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  /** Whether this holding of the lease has loaded the last holder's states yet. */
  let continued = false;

  const tick = async (): Promise<void> => {
    if (running) return; // a slow read must not pile ticks up
    running = true;
    try {
      if (!opts.lease.held()) {
        continued = false;
        return;
      }
      if (!continued) {
        // Taking over: go on from where the last holder was, or a firing rule would fire (and notify) again.
        let saved: AlertSnapshot | undefined;
        try {
          saved = await opts.states.load();
        } catch (err) {
          opts.log(`alerts: previous states unreadable, evaluation skipped (${(err as Error).message})`);
          return;
        }
        if (saved) manager.restore(saved);
        continued = true;
      }
      const now = opts.now();
      let points;
      try {
        points = await opts.clickhouse.run((client) => readWindow(client, names, now - longestWindow, now, opts.table));
      } catch (err) {
        // Evaluating on an empty store would resolve every firing alert: keep the states instead.
        opts.log(`alerts: ClickHouse unreadable, evaluation skipped (${(err as Error).message})`);
        return;
      }
      // The read may have outlasted the lease: never act on a lease we no longer hold.
      if (!opts.lease.held()) return;
      store.prune(Number.MAX_SAFE_INTEGER);
      store.add(points);
      manager.evaluate();
      if (opts.lease.held()) await opts.states.save(manager.snapshot()).catch((err: unknown) => opts.log(`alerts: could not save the states (${(err as Error).message})`));
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
  };
}
