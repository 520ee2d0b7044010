// Level 0 · provided: read it, don't change it.
import { alertsRoute, queryRoute } from '../http/routes/read-routes.ts';
import { admitAll } from '../http/admission.ts';
import { AlertMonitor } from '../alerts/alert-monitor.ts';
import { loadRules } from '../alerts/rules.ts';
import { naiveStep } from '../ingest/ingest-step.ts';
import { InlineProcessor } from '../ingest/processor.ts';
import { PlainStats } from '../stats/service-stats.ts';
import { withBlockingDiskLatency } from '../storage/disk-latency.ts';
import { SyncWriter } from '../storage/writer.ts';
import type { Seams } from './seams.ts';

/**
 * Level 0, the proof of concept: everything on the event loop. The naive parser inline, plain
 * counters, a synchronous append + fsync per request, every client admitted, alert rules evaluated
 * on a timer, and the whole log read into memory at start.
 */
export const level0: Seams = {
  stats: () => new PlainStats(),
  parse: naiveStep,
  processors: { inline: (w, seams) => new InlineProcessor(seams.parse, w.clock) },
  processor: 'inline',
  writer: (w) => withBlockingDiskLatency(new SyncWriter(w.config.dataFile), w.config.diskLatencyMs),
  admission: () => admitAll,
  alerting: (w, store) => {
    const file = w.config.rulesFile;
    const monitor = new AlertMonitor(file ? loadRules(file) : [], store, w.clock, (rule, from, to) =>
      w.log(`alert ${rule.name}: ${from} -> ${to.status}${to.value === undefined ? '' : ` (value ${to.value})`}`),
    );
    return { alerts: monitor, route: alertsRoute(monitor) };
  },
  query: (w, store) => queryRoute(store, w.clock),
  storage: (w, store) => ({ load: () => store.loadFile(w.config.dataFile) }),
  extensions: [],
};
