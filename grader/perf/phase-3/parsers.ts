import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { importTarget, REPO_ROOT } from '../../src/harness/target.ts';
import type { ParseLimits } from '../../../starter/src/ingest/parse-limits.ts';
import type { IngestContext, Metric } from '../../../starter/src/ingest/metric.ts';

// What the phase-3 probes measure: the learner's parser, from the tree being graded, against the
// naive parser of the grader's own checkout (so a learner cannot slow the baseline down).

export type ParseFn = (text: string) => unknown;

/** Limits wide enough for the biggest probe payload, so only speed is measured. */
const PROBE_LIMITS: ParseLimits = { maxBytes: 64 << 20, maxDepth: 64 };

export async function learnerParser(): Promise<ParseFn> {
  const mod = await importTarget<{ parseFast(text: string, limits?: ParseLimits): unknown }>('src/ingest/fast-parser.ts');
  return (text) => mod.parseFast(text, PROBE_LIMITS);
}

export async function naiveParser(): Promise<ParseFn> {
  const file = path.join(REPO_ROOT, 'starter/src/ingest/naive-parser.ts');
  return ((await import(pathToFileURL(file).href)) as { parseNaive: ParseFn }).parseNaive;
}

/** The tree's validator (phase 0): only used for the reported, ungraded comparison with JSON.parse. */
export async function targetValidator(): Promise<(raw: unknown, ctx: IngestContext) => Metric[]> {
  return (await importTarget<{ validatePayload(raw: unknown, ctx: IngestContext): Metric[] }>('src/ingest/validate.ts')).validatePayload;
}

/** Fail loudly when a parser's answer is not the payload: a fast wrong parser must not score. */
export function assertParses(name: string, parse: ParseFn, text: string, metrics: number): void {
  const out = parse(text) as { metrics?: unknown[] } | null;
  const n = out && Array.isArray(out.metrics) ? out.metrics.length : -1;
  if (n !== metrics) throw new Error(`${name} returned ${n === -1 ? 'no metrics array' : `${n} metrics`} for a payload of ${metrics}`);
}
