import { loadConfig } from '../../../starter/src/config.ts';
import { HttpError } from '../../../starter/src/http/errors.ts';
import { ok } from '../../../starter/src/http/reply.ts';
import type { Handler } from '../../../starter/src/http/router.ts';
import type { Seams, StorageLifecycle } from '../../../starter/src/levels/seams.ts';
import { isOverloadError } from '../../../starter/src/lib/overload.ts';
import { compileMatchers } from '../../../starter/src/query/matchers.ts';
import { parseRangeQuery } from '../../../starter/src/query/range-query.ts';
import { createMetricStream, type MetricStream } from '../../../starter/src/service.ts';
import type { SeriesStore } from '../../../starter/src/storage/series-store.ts';
import type { MetricWriter } from '../../../starter/src/storage/writer.ts';
import type { ClickHouseAccess } from '../clickhouse/endpoints.ts';
import { runClickHouseQuery } from '../clickhouse/query.ts';
import { CATALOG_WINDOW_MS, readCatalog } from '../clickhouse/window.ts';
import type { Lease } from '../jetstream/lease.ts';
import { leasedAlerting, type AlertStateStore } from './alerts.ts';
import { StorageUnavailableError } from '../engine-errors.ts';

/** What an HTTP node of the cluster keeps in memory: its own recent metrics, for the live dashboard. */
const DEFAULT_CACHE_MS = 15 * 60_000;

export interface HttpNodeParts {
  /** Ingest nodes: where accepted batches go (JetStream). Absent: this node refuses POST /metrics. */
  writer?: MetricWriter;
  /** Where GET /query reads. */
  clickhouse: ClickHouseAccess;
  table: string;
  /** Alerts nodes: the lease that makes this node the one evaluator (with --rules-file), and where the states pass on. */
  alerts?: { lease: Lease; states: AlertStateStore };
}

/**
 * An ingest, query or alerts node: the finished service, stateless. Its writer publishes to
 * JetStream (a 200 once JetStream has the batch), GET /query reads ClickHouse, and memory holds
 * only a recent window of what this node took in (the dashboard's live view); no log, no segments.
 * Alert rules run only on a node given the lease (see roles/alerts.ts).
 */
export async function startHttpNode(serviceArgs: readonly string[], parts: HttpNodeParts, log: (line: string) => void = console.log): Promise<MetricStream> {
  const loaded = await loadConfig(serviceArgs, process.env);
  const { rulesFile, ...withoutRules } = loaded;
  if (rulesFile && !parts.alerts) log(`note: --rules-file is ignored by ingest and query nodes; the alerts role evaluates ${rulesFile}`);
  const config = parts.alerts ? loaded : withoutRules;
  const cacheMs = config.retentionMs > 0 ? config.retentionMs : DEFAULT_CACHE_MS;
  const service = await createMetricStream(config, {
    log,
    deployment: (seams: Seams): Seams => ({
      ...seams,
      writer: () => parts.writer ?? notAnIngestNode,
      query: (w) => clickhouseQueryRoute(parts, () => w.clock.now()),
      // An alerts node's store is refilled from ClickHouse before each evaluation instead.
      storage: (w, store) => (parts.alerts ? { load: () => ({ loaded: 0, skipped: 0 }) } : recentWindow(store, () => w.clock.now() - cacheMs)),
      // The dashboard's picker lists the cluster's series, not only what this node took in.
      extensions: [...seams.extensions, (w) => ({ routes: { '/series': { GET: clickhouseCatalogRoute(parts, () => w.clock.now()) } } })],
      alerting: (w, store) => {
        const inner = seams.alerting(w, store);
        if (!parts.alerts || !rulesFile) return inner;
        return leasedAlerting(inner, store, { ...parts.alerts, clickhouse: parts.clickhouse, table: parts.table, now: () => w.clock.now(), log: w.log });
      },
    }),
  });
  return service;
}

/** GET /query from ClickHouse: the same parameters and answer as the embedded engine (see clickhouse/query.ts). */
export function clickhouseQueryRoute(parts: Pick<HttpNodeParts, 'clickhouse' | 'table'>, now: () => number): Handler {
  return async ({ url }) => {
    const q = parseRangeQuery(url.searchParams, now()); // a bad parameter is a 400 before ClickHouse is asked
    compileMatchers(q.matchers); // so is a regex the embedded engine refuses (the same 400 and message)
    try {
      return ok(await parts.clickhouse.run((client) => runClickHouseQuery(client, q, parts.table)));
    } catch (err) {
      if (err instanceof HttpError || isOverloadError(err)) throw err;
      throw new StorageUnavailableError(err as Error);
    }
  };
}

/** GET /series from ClickHouse: the series with points in the last day (see clickhouse/window.ts). */
export function clickhouseCatalogRoute(parts: Pick<HttpNodeParts, 'clickhouse' | 'table'>, now: () => number): Handler {
  return async () => {
    const to = now();
    try {
      return ok({ metrics: await parts.clickhouse.run((client) => readCatalog(client, to - CATALOG_WINDOW_MS, to, parts.table)) });
    } catch (err) {
      throw new StorageUnavailableError(err as Error);
    }
  };
}

/** Memory is a cache of the last `cutoff()` of this node's own metrics; the cluster's data is in ClickHouse. */
function recentWindow(store: SeriesStore, cutoff: () => number): StorageLifecycle {
  let timer: NodeJS.Timeout | undefined;
  return {
    load: () => {
      timer = setInterval(() => store.prune(cutoff()), 10_000).unref();
      return { loaded: 0, skipped: 0 };
    },
    stop: () => clearInterval(timer),
  };
}

/** A query node's writer: POST /metrics belongs to the ingest nodes. */
const notAnIngestNode: MetricWriter = {
  write: () => Promise.reject(new NotAnIngestNodeError()),
  close: () => Promise.resolve(),
};

class NotAnIngestNodeError extends HttpError {
  override readonly name = 'NotAnIngestNodeError';
  constructor() {
    super(421, { error: 'not_an_ingest_node', reason: 'this node answers queries only (--role query): send metrics to an ingest node' });
  }
}
