// Level 0 · provided: read it, don't change it.
import { toWire, type WireError } from './errors.ts';
import type { Metric } from './metric.ts';
import { parseNaive } from './naive-parser.ts';
import { assertUtf8 } from './utf8.ts';
import { validatePayload } from './validate.ts';

/** Turns the request body's text into a JSON value; throws `ParseError` with a byte position. */
export type Parser = (text: string) => unknown;

/** One ingest request as a thread receives it: the raw body (decoded there) and its context. */
export interface IngestTask {
  body: Uint8Array;
  client: string;
  /** The service clock's time at arrival: metrics without a timestamp get it, at every level. */
  now: number;
}

/** Parse + validate one request body: the work every level does, wherever it runs. */
export type IngestStep = (task: IngestTask) => Metric[];

/** Refusals are data, not crashes: a ParseError keeps its byte position across the thread boundary. */
export type IngestOutcome = { ok: true; metrics: Metric[] } | { ok: false; error: WireError };

// A leading byte order mark is kept (not stripped as TextDecoder does by default): it is not JSON, and
// every level answers it the same way, with the parse error the finished service's byte parser gives.
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** A step that checks the body is UTF-8, decodes it, parses it with `parse`, then validates the payload. */
export function textStep(parse: Parser): IngestStep {
  return (t) => {
    assertUtf8(t.body);
    return validatePayload(parse(decoder.decode(t.body)), { client: t.client, now: t.now });
  };
}

/** Run a step in a worker: the metrics, or the refusal as plain data. */
export function runStep(step: IngestStep, task: IngestTask): IngestOutcome {
  try {
    return { ok: true, metrics: step(task) };
  } catch (err) {
    return { ok: false, error: toWire(err) };
  }
}

/** Levels 0-2: the provided naive parser. */
export const naiveStep: IngestStep = textStep(parseNaive);
