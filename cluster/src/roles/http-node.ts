import type { ClickHouseClient } from '@clickhouse/client';
import { loadConfig } from '../../../starter/src/config.ts';
import { HttpError } from '../../../starter/src/http/errors.ts';
import { ok } from '../../../starter/src/http/reply.ts';
import type { Handler } from '../../../starter/src/http/router.ts';
import type { Seams, StorageLifecycle } from '../../../starter/src/levels/seams.ts';
import { isOverloadError } from '../../../starter/src/lib/overload.ts';
import { parseRangeQuery } from '../../../starter/src/query/range-query.ts';
import { createMetricStream, type MetricStream } from '../../../starter/src/service.ts';
import type { SeriesStore } from '../../../starter/src/storage/series-store.ts';
import type { MetricWriter } from '../../../starter/src/storage/writer.ts';
import { runClickHouseQuery } from '../clickhouse/query.ts';
import { StorageUnavailableError } from '../engine-errors.ts';

/** What an HTTP node of the cluster keeps in memory: its own recent metrics, for the live dashboard. */
const DEFAULT_CACHE_MS = 15 * 60_000;

export interface HttpNodeParts {
  /** Ingest nodes: where accepted batches go (JetStream). Absent: this node refuses POST /metrics. */
  writer?: MetricWriter;
  /** Where GET /query reads. */
  clickhouse: ClickHouseClient;
  table: string;
}

/**
 * An ingest or query node: the finished service, stateless. Its writer publishes to JetStream (a 200
 * once JetStream has the batch), GET /query reads ClickHouse, and memory holds only a recent window
 * of what this node took in (the dashboard's live view); no log, no segments, no alert rules (one
 * alerts node evaluates them for the whole cluster).
 */
export async function startHttpNode(serviceArgs: readonly string[], parts: HttpNodeParts, log?: (line: string) => void): Promise<MetricStream> {
  const config = await loadConfig(serviceArgs, process.env);
  const { rulesFile, ...withoutRules } = config;
  if (rulesFile) (log ?? console.log)(`note: --rules-file is ignored by ingest and query nodes; the alerts role evaluates ${rulesFile}`);
  const cacheMs = config.retentionMs > 0 ? config.retentionMs : DEFAULT_CACHE_MS;
  return createMetricStream(withoutRules, {
    ...(log ? { log } : {}),
    deployment: (seams: Seams): Seams => ({
      ...seams,
      writer: () => parts.writer ?? notAnIngestNode,
      query: (w) => clickhouseQueryRoute(parts, () => w.clock.now()),
      storage: (w, store) => recentWindow(store, () => w.clock.now() - cacheMs),
    }),
  });
}

/** GET /query from ClickHouse: the same parameters and answer as the embedded engine (see clickhouse/query.ts). */
export function clickhouseQueryRoute(parts: Pick<HttpNodeParts, 'clickhouse' | 'table'>, now: () => number): Handler {
  return async ({ url }) => {
    const q = parseRangeQuery(url.searchParams, now()); // a bad parameter is a 400 before ClickHouse is asked
    try {
      return ok(await runClickHouseQuery(parts.clickhouse, q, parts.table));
    } catch (err) {
      if (err instanceof HttpError || isOverloadError(err)) throw err;
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
