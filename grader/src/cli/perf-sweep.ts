import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { runLoad } from '../harness/load.ts';
import { metricsPayload } from '../harness/payloads.ts';
import { REPO_ROOT } from '../harness/target.ts';
import { gradeDir } from '../report/files.ts';
import { parseFlags } from './args.ts';

/**
 * `npm run perf`: the seeds' systematic sweep (50/100/150 clients) against a running service, one
 * row per level of concurrency, recorded in .grade/performance_results.jsonl with a label.
 */
const USAGE = `Usage: npm run perf -- [options]   (the service must be running: npm start)
  --clients N,N,... concurrent clients, one row each (default 50,100,150)
  --seconds N       duration of each row (default 5)
  --metrics N       metrics per request (default 1)
  --port N          the service's port (default METRICSTREAM_PORT or 8080)
  --label TEXT      a label for the rows in .grade/performance_results.jsonl (default sweep)`;

const { values } = parseFlags({
  options: {
    port: { type: 'string', default: process.env.METRICSTREAM_PORT ?? '8080' },
    clients: { type: 'string', default: '50,100,150' },
    seconds: { type: 'string', default: '5' },
    metrics: { type: 'string', default: '1' },
    label: { type: 'string', default: 'sweep' },
  },
}, USAGE);
const base = `http://127.0.0.1:${Number(values.port)}`;
try {
  await fetch(`${base}/health`);
} catch {
  console.error(`Nothing answers on ${base}. Start the service first: npm start`);
  process.exit(2);
}
const body = metricsPayload(Number(values.metrics));
mkdirSync(gradeDir(REPO_ROOT), { recursive: true });
console.log('clients  success   req/s    p50 ms   p99 ms');
for (const clients of values.clients!.split(',').map(Number)) {
  const r = await runLoad({ url: `${base}/metrics`, method: 'POST', body, connections: clients, durationSec: Number(values.seconds) });
  console.log(`${String(clients).padStart(7)}  ${r.successRate.toFixed(1).padStart(6)}%  ${r.rps.toFixed(0).padStart(6)}  ${r.p50.toFixed(2).padStart(7)}  ${r.p99.toFixed(2).padStart(7)}`);
  const record = { at: new Date().toISOString(), label: values.label, clients, metricsPerRequest: Number(values.metrics), ...r };
  appendFileSync(path.join(gradeDir(REPO_ROOT), 'performance_results.jsonl'), JSON.stringify(record) + '\n');
}
