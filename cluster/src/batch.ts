import type { Metric } from '../../starter/src/ingest/metric.ts';

/**
 * What travels from an ingest node through JetStream to a store node: one accepted request's
 * metrics under an id chosen once by the ingest node. The id is the JetStream message id (a
 * retried publish is stored once) and, with each metric's position, the row's identity in
 * ClickHouse (a redelivered batch inserts rows that replace themselves): exactly once visible.
 */
export interface StoredBatch {
  /** Unique per accepted batch: `<node id>-<sequence>`. */
  id: string;
  metrics: Metric[];
}
