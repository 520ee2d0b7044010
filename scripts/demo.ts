import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { materializeReference } from '../grader/src/tree/materialize.ts';
import { importFromTree } from './lib/reference-tree.ts';
import type * as ServiceModule from '../starter/src/service.ts';
import type * as ConfigModule from '../starter/src/config.ts';

/**
 * `npm run demo [-- --seconds 60 --port 8080]`: the finished MetricStream plus a small load
 * generator (4 hosts, cpu / memory / request latency every second; web-2's CPU spikes in the middle
 * third, which fires the `cpu_hot` alert). Prints the dashboard URL; stops by itself.
 */
const { values } = parseArgs({ options: { seconds: { type: 'string', default: '60' }, port: { type: 'string', default: '8080' } } });
const seconds = Number(values.seconds);
if (!Number.isInteger(seconds) || seconds < 5 || seconds > 86_400) {
  console.error(`--seconds must be an integer from 5 to 86400, got ${values.seconds}`);
  process.exit(2);
}

const dir = path.resolve('.grade/demo');
const tree = materializeReference(path.join(dir, 'tree'));
mkdirSync(dir, { recursive: true });
const rulesFile = path.join(dir, 'rules.json');
writeFileSync(
  rulesFile,
  JSON.stringify(
    {
      rules: [
        { name: 'cpu_hot', query: 'name=cpu_usage&match=host=~web-.*&agg=max', window: '10s', comparator: '>', threshold: 90, for: '5s', severity: 'critical' },
        { name: 'slow_requests', query: 'name=request_latency_ms&agg=p99', window: '30s', comparator: '>', threshold: 400, for: '10s', severity: 'warning' },
      ],
    },
    null,
    2,
  ),
);

const { loadConfig } = await importFromTree<typeof ConfigModule>(tree, 'config.ts');
const { createMetricStream } = await importFromTree<typeof ServiceModule>(tree, 'service.ts');
const config = await loadConfig(['--port', String(values.port), '--data-file', path.join(dir, `metrics-${Date.now()}.jsonl`), '--rules-file', rulesFile, '--retention', '1d'], {});
const service = await createMetricStream(config);
const { url } = await service.listen();
console.log(`\nMetricStream demo: dashboard at ${url}/  (running ${seconds} s; Ctrl-C stops it)`);
console.log(`  try: curl '${url}/query?name=cpu_usage&match=host=~web-.*&agg=p95&step=10s'   and   curl ${url}/alerts\n`);

const HOSTS = ['web-1', 'web-2', 'web-3', 'db-1'];
const started = Date.now();
let tick = 0;
const wave = (i: number, period: number) => Math.sin((2 * Math.PI * i) / period);
const timer = setInterval(() => {
  const elapsed = (Date.now() - started) / 1000;
  const spiking = elapsed > seconds / 3 && elapsed < (2 * seconds) / 3;
  const metrics = HOSTS.flatMap((host, h) => {
    const tags = { host, region: h % 2 ? 'eu' : 'us' };
    const cpu = host === 'web-2' && spiking ? 96 + 3 * Math.random() : 35 + 15 * wave(tick + h * 7, 30) + 5 * Math.random();
    const latencies = Array.from({ length: 5 }, () => ({ name: 'request_latency_ms', value: Math.round(20 + 30 * Math.random() + (spiking && host === 'web-2' ? 500 * Math.random() : 0)), tags }));
    return [{ name: 'cpu_usage', value: Number(cpu.toFixed(2)), tags }, { name: 'memory_used_mb', value: Math.round(2048 + 300 * wave(tick, 120) + h * 512), tags }, ...latencies];
  });
  tick++;
  fetch(`${url}/metrics`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-client-id': 'demo' }, body: JSON.stringify({ metrics }) }).catch((err: Error) =>
    console.error(`demo: POST failed: ${err.message}`),
  );
}, 1000);

let stopping = false;
const stop = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  clearInterval(timer);
  console.log('\ndemo: stopping');
  await service.close();
  process.exit(0);
};
setTimeout(() => void stop(), seconds * 1000).unref();
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
