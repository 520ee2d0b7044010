import { startService, type RunningService } from '../../../src/harness/service.ts';
import { seqMetric } from './writer-module.ts';

/**
 * The service at level 2 (the learner's AsyncWriter) with extra flags. Parsing is pinned inline
 * (`--processor inline`) so that timings measure the writer, not phase 1's per-request worker start-up.
 */
export function startLevel2(args: string[]): Promise<RunningService> {
  return startService({ level: 2, args: ['--processor', 'inline', ...args] });
}

export interface PostResult {
  status: number;
  headers: Headers;
  body: string;
  ms: number;
}

export async function postMetrics(url: string, client: string, metrics: readonly unknown[]): Promise<PostResult> {
  const t0 = performance.now();
  const res = await fetch(`${url}/metrics`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-client-id': client },
    body: JSON.stringify({ metrics }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = await res.text();
  return { status: res.status, headers: res.headers, body, ms: performance.now() - t0 };
}

/** The wire form of seqMetric: what a client POSTs (the service fills in `client`). */
export function wireMetric(client: string, seq: number): Record<string, unknown> {
  const { name, value, timestamp, tags } = seqMetric(client, seq);
  return { name, value, timestamp, tags };
}

/**
 * `clients` clients in parallel, each POSTing `requests` batches of `perRequest` numbered metrics
 * one after another. Throws unless every POST is answered 200. Returns metrics per client.
 */
export async function postSequences(url: string, clients: number, requests: number, perRequest: number): Promise<Map<string, number>> {
  const expected = new Map<string, number>();
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      const client = `client-${c}`;
      for (let r = 0; r < requests; r++) {
        const batch = Array.from({ length: perRequest }, (_, k) => wireMetric(client, r * perRequest + k));
        const res = await postMetrics(url, client, batch);
        if (res.status !== 200) throw new Error(`Expected 200 for POST /metrics, got ${res.status}: ${res.body.slice(0, 200)}`);
      }
      expected.set(client, requests * perRequest);
    }),
  );
  return expected;
}
