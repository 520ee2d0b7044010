import { rng } from './random.ts';

const NAMES = ['cpu_usage', 'memory_used_bytes', 'http_request_duration_ms', 'disk_io_ops', 'queue_depth'];
const HOSTS = ['web-1', 'web-2', 'db-1', 'cache-1'];

/** A realistic POST /metrics body with `count` metrics, deterministic for a seed. */
export function metricsPayload(count: number, seed = 1): string {
  const r = rng(seed);
  const t0 = Date.parse('2025-09-17T13:45:23.123Z');
  const metrics = Array.from({ length: count }, (_, i) => ({
    name: NAMES[i % NAMES.length],
    value: Math.round(r() * 10_000) / 100,
    timestamp: new Date(t0 + i * 1000).toISOString(),
    tags: { host: HOSTS[Math.floor(r() * HOSTS.length)], region: r() < 0.5 ? 'eu-west' : 'us-east' },
  }));
  return JSON.stringify({ metrics });
}
