import type { Metric } from '../ingest/metric.ts';

/**
 * One metric per line in the data file:
 * {"name":"cpu_usage","value":75.5,"timestamp":"2025-09-17T13:45:23.123Z","tags":{"host":"a"},"client":"abc"}
 */
export function encodeLine(m: Metric): string {
  return JSON.stringify({ name: m.name, value: m.value, timestamp: new Date(m.timestamp).toISOString(), tags: m.tags, client: m.client });
}

export function encodeLines(batch: readonly Metric[]): string {
  let out = '';
  for (const m of batch) out += encodeLine(m) + '\n';
  return out;
}

/** Read back a line written by `encodeLine`; throws on anything else. */
export function decodeLine(line: string): Metric {
  const o = JSON.parse(line) as { name?: unknown; value?: unknown; timestamp?: unknown; tags?: unknown; client?: unknown };
  const timestamp = typeof o.timestamp === 'string' ? Date.parse(o.timestamp) : NaN;
  if (typeof o.name !== 'string' || typeof o.value !== 'number' || Number.isNaN(timestamp) || typeof o.tags !== 'object' || o.tags === null) {
    throw new Error('not a metric line');
  }
  return { name: o.name, value: o.value, timestamp, tags: o.tags as Record<string, string>, client: typeof o.client === 'string' ? o.client : 'anonymous' };
}
