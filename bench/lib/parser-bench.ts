import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { metricsPayload } from '../../grader/src/harness/payloads.ts';
import { spread, type Spread } from './summary.ts';

type Validate = (raw: unknown, ctx: { client: string; now: number }) => unknown[];
type Parse = (text: string) => unknown;

export interface ParserRow {
  metrics: number;
  bytes: number;
  /** Microseconds per request body, median and spread over the samples. */
  jsonParseUs: Spread;
  referenceUs: Spread;
  /** JSON.parse time / reference time: > 1 means the reference parser is faster. */
  ratio: Spread;
}

/**
 * The request path's parse + validate, from bytes to metrics, two ways on the same bodies:
 * JSON.parse(buf.toString()) + validatePayload, and the tree's phase-3 parser (as parsers.ts runs
 * it) + validatePayload. Samples alternate between the two so both see the same machine.
 */
export async function benchParsers(tree: string, sizes = [10, 100, 1000], samples = 7, sampleMs = 60): Promise<ParserRow[]> {
  const load = async <T>(rel: string): Promise<T> => (await import(pathToFileURL(path.join(tree, 'starter/src', rel)).href)) as T;
  const { validatePayload } = await load<{ validatePayload: Validate }>('ingest/validate.ts');
  const { parserByName } = await load<{ parserByName: (name: 'fast') => Parse }>('ingest/parsers.ts');
  const fast = parserByName('fast');
  const ctx = { client: 'bench', now: 0 };
  const viaJson = (buf: Buffer) => validatePayload(JSON.parse(buf.toString('utf8')), ctx);
  const viaReference = (buf: Buffer) => validatePayload(fast(buf.toString('utf8')), ctx);

  const rows: ParserRow[] = [];
  for (const n of sizes) {
    const buf = Buffer.from(metricsPayload(n, 5));
    if (JSON.stringify(viaJson(buf)) !== JSON.stringify(viaReference(buf))) throw new Error(`the two paths disagree at ${n} metrics`);
    const a: number[] = [];
    const b: number[] = [];
    for (let s = 0; s <= samples; s++) {
      const ja = usPerCall(viaJson, buf, sampleMs);
      const rb = usPerCall(viaReference, buf, sampleMs);
      if (s === 0) continue; // warm-up sample
      a.push(ja);
      b.push(rb);
    }
    rows.push({ metrics: n, bytes: buf.length, jsonParseUs: spread(a), referenceUs: spread(b), ratio: spread(a.map((x, i) => x / b[i]!)) });
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
