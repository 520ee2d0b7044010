import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { formatLoad, runLoad } from '../harness/load.ts';
import { metricsPayload } from '../harness/payloads.ts';
import { REPO_ROOT } from '../harness/target.ts';
import { gradeDir } from '../report/files.ts';
import { parseFlags } from './args.ts';

/**
 * `npm run loadtest -- --clients 50 --requests 10`: the seeds' `load_test 8080 50 10` on autocannon.
 * Targets a running service (npm start) on 127.0.0.1 only.
 */
const USAGE = `Usage: npm run loadtest -- [options]   (the service must be running: npm start)
  --clients N       concurrent clients (default 50)
  --requests N      requests per client (default 10)
  --metrics N       metrics per request (default 1)
  --port N          the service's port (default METRICSTREAM_PORT or 8080)
  --label TEXT      a label for the row in .grade/performance_results.jsonl`;

const { values } = parseFlags({
  options: {
    clients: { type: 'string', default: '50' },
    requests: { type: 'string', default: '10' },
    metrics: { type: 'string', default: '1' },
    port: { type: 'string', default: process.env.METRICSTREAM_PORT ?? '8080' },
    label: { type: 'string' },
  },
}, USAGE);

function whole(flag: string, v: string | undefined): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${flag} must be a positive whole number, got "${v}"`);
    process.exit(2);
  }
  return n;
}

const clients = whole('clients', values.clients);
const requests = whole('requests', values.requests);
const metrics = whole('metrics', values.metrics);
const port = whole('port', values.port);
const url = `http://127.0.0.1:${port}/metrics`;
try {
  await fetch(`http://127.0.0.1:${port}/health`);
} catch {
  console.error(`Nothing answers on 127.0.0.1:${port}. Start the service first: npm start`);
  process.exit(2);
}
console.log(`${clients} clients x ${requests} requests, ${metrics} metric(s) per request -> ${url}`);
const result = await runLoad({ url, method: 'POST', body: metricsPayload(metrics), connections: clients, amount: clients * requests });
console.log(formatLoad(result));
mkdirSync(gradeDir(REPO_ROOT), { recursive: true });
const record = { at: new Date().toISOString(), label: values.label, clients, requestsPerClient: requests, metricsPerRequest: metrics, ...result };
appendFileSync(path.join(gradeDir(REPO_ROOT), 'performance_results.jsonl'), JSON.stringify(record) + '\n');
console.log(`recorded in .grade/performance_results.jsonl`);
