import { toWire, type WireError } from '../ingest/errors.ts';
import type { Metric } from '../ingest/metric.ts';
import { parseMetricBytes } from '../ingest/byte-parser.ts';
import { IN_SERVICE_PARSE_LIMITS } from '../ingest/parse-limits.ts';
import { parserByName, type ParserName } from '../ingest/parsers.ts';
import { validatePayload } from '../ingest/validate.ts';
import { packMetrics, type PackedMetrics } from '../ingest/packed-metrics.ts';

/** One ingest request, as the pool processor hands it to a worker. */
export interface IngestTask {
  /** The raw request body (copied into the worker; decoded there, off the event loop). */
  body: Uint8Array;
  parser: ParserName;
  /** The finished service: parse and validate in one pass over the bytes (byte-parser.ts); `parser` is then unused. */
  fused?: boolean;
  /** The finished service: send the metrics back packed (packed-metrics.ts), not as one object each. */
  packed?: boolean;
  client: string;
  /** The service clock's time at arrival: metrics without a timestamp get it, as at every level. */
  now: number;
}

/** Refusals are data, not crashes: a ParseError keeps its byte position across the thread boundary. */
export type IngestOutcome = { ok: true; metrics: Metric[] } | { ok: false; error: WireError };
/** What the pool's handler answers: with `packed` set on the task, the metrics come back packed. */
export type PoolIngestOutcome = IngestOutcome | { ok: true; packed: PackedMetrics };

const decoder = new TextDecoder();

/** The pool's handler for ingest: the same parse + validate as inline (level 0) and phase 1's workers. */
export default function ingestTask(t: IngestTask): PoolIngestOutcome {
  try {
    const metrics = parseAndValidate(t);
    return t.packed ? { ok: true, packed: packMetrics([metrics]) } : { ok: true, metrics };
  } catch (err) {
    return { ok: false, error: toWire(err) };
  }
}

/** Parse + validate one body, the way every level does it (also used inline, on the calling thread). */
export function parseAndValidate(t: IngestTask): Metric[] {
  const ctx = { client: t.client, now: t.now };
  if (t.fused) return parseMetricBytes(t.body, ctx, IN_SERVICE_PARSE_LIMITS);
  return validatePayload(parserByName(t.parser)(decoder.decode(t.body)), ctx);
}
