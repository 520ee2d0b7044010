// Level 7 · provided: read it, don't change it.
import { fromWire, toWire, type WireError } from '../ingest/errors.ts';
import { fusedStep } from '../ingest/fused-step.ts';
import type { IngestTask } from '../ingest/ingest-step.ts';
import { packMetrics, unpackMetrics, type PackedMetrics } from '../ingest/packed-metrics.ts';
import type { Metric } from '../ingest/metric.ts';

/** The finished service's answer: the metrics packed into a few arrays (cheaper to post than objects). */
export type PackedOutcome = { ok: true; packed: PackedMetrics } | { ok: false; error: WireError };

/** The finished service's pool handler: one pass over the bytes (byte-parser.ts), metrics sent back packed. */
export default function packedIngestTask(t: IngestTask): PackedOutcome {
  try {
    return { ok: true, packed: packMetrics([fusedStep(t)]) };
  } catch (err) {
    return { ok: false, error: toWire(err) };
  }
}

/** The main thread's side: the metrics, or the refusal rethrown as the error the other levels throw. */
export function readPacked(outcome: PackedOutcome): Metric[] {
  if (!outcome.ok) throw fromWire(outcome.error);
  return unpackMetrics(outcome.packed);
}
