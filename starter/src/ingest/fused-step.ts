// Level 7 · provided: read it, don't change it.
import { parseMetricBytes } from './byte-parser.ts';
import type { IngestStep } from './ingest-step.ts';
import { IN_SERVICE_PARSE_LIMITS } from './parse-limits.ts';
import { assertUtf8 } from './utf8.ts';

/** The finished service: parse and validate in one pass over the bytes, without decoding them to a string. */
export const fusedStep: IngestStep = (t) => {
  assertUtf8(t.body);
  return parseMetricBytes(t.body, t, IN_SERVICE_PARSE_LIMITS);
};
