import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { metricsPayload } from '../../grader/src/harness/payloads.ts';
import { materializeReference, removeTree } from '../../grader/src/tree/materialize.ts';
import { table } from './report.ts';
import { showSpread, spread, type Spread } from './summary.ts';

type Validate = (raw: unknown, ctx: { client: string; now: number }) => unknown[];
type Parse = (text: string) => unknown;
type ParseBytes = (bytes: Uint8Array, ctx: { client: string; now: number }) => unknown[];

export interface ParserRow {
  metrics: number;
  bytes: number;
  /** Microseconds per request body, median and spread over the samples. */
  jsonParseUs: Spread;
  /** The finished service's parser: the fused byte parser (ingest/byte-parser.ts), validation included. */
  referenceUs: Spread;
  /** JSON.parse time / byte parser time: > 1 means the byte parser is faster. */
  ratio: Spread;
  /** The phase-3 single-pass parser on the decoded text + validatePayload, for comparison. */
  phase3Us: Spread;
  /** JSON.parse time / phase-3 parser time. */
  phase3Ratio: Spread;
}

/**
 * The request path's parse + validate, from bytes to metrics, three ways on the same bodies:
 * JSON.parse(buf.toString()) + validatePayload (what the Node peers do), the fused byte parser
 * (parseMetricBytes, what the finished service runs on inline bodies) and the phase-3 parser on the
 * decoded text + validatePayload. Each sample times all three back to back, in an order that
 * rotates from sample to sample, so they see the same machine; ratios are per sample.
 */
export async function benchParsers(tree: string, sizes = [10, 100, 1000], samples = 7, sampleMs = 60): Promise<ParserRow[]> {
  const load = async <T>(rel: string): Promise<T> => (await import(pathToFileURL(path.join(tree, 'starter/src', rel)).href)) as T;
  const { validatePayload } = await load<{ validatePayload: Validate }>('ingest/validate.ts');
  const { parseFast } = await load<{ parseFast: (text: string, limits: unknown) => unknown }>('ingest/fast-parser.ts');
  const { IN_SERVICE_PARSE_LIMITS } = await load<{ IN_SERVICE_PARSE_LIMITS: unknown }>('ingest/parse-limits.ts');
  const { parseMetricBytes } = await load<{ parseMetricBytes: ParseBytes }>('ingest/byte-parser.ts');
  const fast: Parse = (text) => parseFast(text, IN_SERVICE_PARSE_LIMITS);
  const ctx = { client: 'bench', now: 0 };
  const paths = [
    (buf: Buffer) => validatePayload(JSON.parse(buf.toString('utf8')), ctx),
    (buf: Buffer) => parseMetricBytes(buf, ctx),
    (buf: Buffer) => validatePayload(fast(buf.toString('utf8')), ctx),
  ];

  const rows: ParserRow[] = [];
  for (const n of sizes) {
    const buf = Buffer.from(metricsPayload(n, 5));
    const expected = JSON.stringify(paths[0]!(buf));
    if (paths.some((p) => JSON.stringify(p(buf)) !== expected)) throw new Error(`the parse paths disagree at ${n} metrics`);
    const us: number[][] = [[], [], []];
    for (let s = 0; s <= samples; s++) {
      const taken = [0, 0, 0];
      for (let k = 0; k < 3; k++) {
        const which = (s + k) % 3;
        taken[which] = usPerCall(paths[which]!, buf, sampleMs);
      }
      if (s === 0) continue; // warm-up sample
      taken.forEach((t, i) => us[i]!.push(t));
    }
    const [json, bytes, phase3] = us as [number[], number[], number[]];
    rows.push({
      metrics: n,
      bytes: buf.length,
      jsonParseUs: spread(json),
      referenceUs: spread(bytes),
      ratio: spread(json.map((x, i) => x / bytes[i]!)),
      phase3Us: spread(phase3),
      phase3Ratio: spread(json.map((x, i) => x / phase3[i]!)),
    });
  }
  return rows;
}

let sink: unknown; // keeps results alive so the calls are not optimised away
function usPerCall(fn: (buf: Buffer) => unknown, buf: Buffer, minMs: number): number {
  let calls = 0;
  const t0 = performance.now();
  let now = t0;
  while (now - t0 < minMs) {
    for (let i = 0; i < 8; i++) sink = fn(buf);
    calls += 8;
    now = performance.now();
  }
  void sink;
  return ((now - t0) * 1000) / calls;
}

/** The three paths side by side, as a terminal table. */
export function parserComparison(rows: readonly ParserRow[]): string {
  const us = (s: Spread) => showSpread(s, (n) => n.toFixed(1));
  const x = (s: Spread) => showSpread(s, (n) => `${n.toFixed(2)}x`);
  return table(
    ['metrics', 'bytes', 'JSON.parse + validate µs', 'byte parser µs', 'JSON / byte', 'phase-3 parser + validate µs', 'JSON / phase-3'],
    rows.map((r) => [String(r.metrics), r.bytes.toLocaleString('en-US'), us(r.jsonParseUs), us(r.referenceUs), x(r.ratio), us(r.phase3Us), x(r.phase3Ratio)]),
    false,
  );
}

// Standalone: npx tsx bench/lib/parser-bench.ts [--samples 7] [--ms 60] [--sizes 10,100,1000]
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const { values } = parseArgs({ options: { samples: { type: 'string', default: '7' }, ms: { type: 'string', default: '60' }, sizes: { type: 'string', default: '10,100,1000' } } });
  const sizes = values.sizes!.split(',').map(Number);
  const samples = Number(values.samples);
  const ms = Number(values.ms);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !(samples >= 1) || !(ms > 0)) throw new Error('usage: parser-bench.ts [--samples N>=1] [--ms MS>0] [--sizes 10,100,1000]');
  const tree = materializeReference();
  try {
    console.log(`parse + validate per request body, ${samples} samples x ${ms} ms per path, median (min–max); Node ${process.version}`);
    console.log(parserComparison(await benchParsers(tree, sizes, samples, ms)));
  } finally {
    removeTree(tree);
  }
}
