// Level 3 · provided: read it, don't change it.
import { parseFast } from './fast-parser.ts';
import { textStep, type IngestStep } from './ingest-step.ts';
import { IN_SERVICE_PARSE_LIMITS } from './parse-limits.ts';

/** Level 3 on: phase 3's single-pass parser replaces the naive one (the body limit is the service's own). */
export const fastStep: IngestStep = textStep((text) => parseFast(text, IN_SERVICE_PARSE_LIMITS));
