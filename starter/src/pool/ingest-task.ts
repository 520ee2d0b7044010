import { toWire, type WireError } from '../ingest/errors.ts';
import type { Metric } from '../ingest/metric.ts';
import { parserByName, type ParserName } from '../ingest/parsers.ts';
import { validatePayload } from '../ingest/validate.ts';

/** One ingest request, as the pool processor hands it to a worker. */
export interface IngestTask {
  /** The raw request body (copied into the worker; decoded there, off the event loop). */
  body: Uint8Array;
  parser: ParserName;
  client: string;
  /** The service clock's time at arrival: metrics without a timestamp get it, as at every level. */
  now: number;
}

/** Refusals are data, not crashes: a ParseError keeps its byte position across the thread boundary. */
export type IngestOutcome = { ok: true; metrics: Metric[] } | { ok: false; error: WireError };

const decoder = new TextDecoder();

/** The pool's handler for ingest: the same parse + validate as inline (level 0) and phase 1's workers. */
export default function ingestTask(t: IngestTask): IngestOutcome {
  try {
    const parsed = parserByName(t.parser)(decoder.decode(t.body));
    return { ok: true, metrics: validatePayload(parsed, { client: t.client, now: t.now }) };
  } catch (err) {
    return { ok: false, error: toWire(err) };
  }
}
