import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { startListening, type RunningService } from '../grader/src/harness/service.ts';

// "durable" means durable: a 200 to POST /metrics?ack=durable survives kill -9 of the service at
// any moment. The service runs in its own process and is killed while requests are still arriving.
const tree = (): string => inject('referenceTree');

function start(args: string[]): Promise<RunningService> {
  return startListening({ nodeArgs: ['--import', 'tsx'], script: path.join(tree(), 'starter/src/main.ts'), scriptArgs: ['--host', '127.0.0.1', ...args], cwd: tree() });
}

/** Values in the log; a line torn by the kill is not a value (and is the only line that may be torn). */
function valuesOnDisk(file: string): Set<number> {
  const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
  const values = new Set<number>();
  lines.forEach((line, i) => {
    try {
      values.add((JSON.parse(line) as { value: number }).value);
    } catch (err) {
      if (i !== lines.length - 1) throw new Error(`line ${i + 1} of ${lines.length} is unreadable: ${String(err)}`);
    }
  });
  return values;
}

/**
 * 8 clients post 5-metric batches back to back (with `ack`) until the service is killed with SIGKILL
 * under them, after `before` metrics were acknowledged. Returns what was acknowledged and what is on disk.
 */
async function killUnderLoad(args: string[], ack: 'durable' | 'accepted', before: number): Promise<{ acknowledged: number[]; lost: number[]; onDisk: number }> {
  const svc = await start(args);
  const acknowledged: number[] = [];
  let next = 0;
  let killed = false;
  const client = async (): Promise<void> => {
    while (!killed) {
      const base = (next += 5);
      const metrics = Array.from({ length: 5 }, (_, i) => ({ name: 'durable_test', value: base + i, tags: { run: 'k9' } }));
      try {
        const res = await fetch(`${svc.url}/metrics?ack=${ack}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ metrics }) });
        const body = (await res.json()) as { durable?: boolean };
        if (res.status === 200) {
          expect(body.durable).toBe(ack === 'durable' ? true : undefined);
          acknowledged.push(...metrics.map((m) => m.value));
        }
      } catch {
        return; // the connection died with the service
      }
    }
  };
  const clients = Array.from({ length: 8 }, client);
  while (acknowledged.length < before) await new Promise((resolve) => setTimeout(resolve, 5));
  svc.child.kill('SIGKILL');
  killed = true;
  await Promise.all(clients);
  const onDisk = valuesOnDisk(svc.dataFile);
  await svc.stop();
  return { acknowledged, lost: acknowledged.filter((v) => !onDisk.has(v)), onDisk: onDisk.size };
}

describe.each([
  ['the finished service, writer fed through the ring', ['--level', '7']],
  ["phase 2's background writer", ['--level', '2', '--processor', 'inline']],
  ['the proof of concept (fsync per request)', ['--level', '0']],
])('%s under kill -9', (name, args) => {
  it('has every metric acknowledged with ack=durable on disk', { timeout: 30_000 }, async () => {
    const { acknowledged, lost, onDisk } = await killUnderLoad(args, 'durable', 400);
    console.log(`${name}: ${acknowledged.length} acknowledged durable, ${onDisk} on disk after kill -9, ${lost.length} lost`);
    expect(lost, `${lost.length} of ${acknowledged.length} durably acknowledged metrics are not on disk`).toEqual([]);
  });
});

// ack=accepted (the default) answers once the writer took the batch into memory. Its documented
// window (docs/phase-2-async-io.md, "Durability trade-off"): a crash loses at most what was in
// memory: the writer's queue (--queue-max metrics) and, at level 7, the ring in front of it, which
// holds as many again (rounded up to a power of two).
const QUEUE_MAX = 1_000;
describe.each([
  ['the finished service, writer fed through the ring', ['--level', '7', '--queue-max', String(QUEUE_MAX)], QUEUE_MAX + 2 ** Math.ceil(Math.log2(QUEUE_MAX))],
  ["phase 2's background writer", ['--level', '2', '--processor', 'inline', '--queue-max', String(QUEUE_MAX)], QUEUE_MAX],
])('%s under kill -9', (name, args, window) => {
  it(`loses at most its in-memory window (${window} metrics) of what it acknowledged with ack=accepted`, { timeout: 30_000 }, async () => {
    const { acknowledged, lost, onDisk } = await killUnderLoad(args, 'accepted', 2_000);
    console.log(`${name}: ${acknowledged.length} acknowledged accepted, ${onDisk} on disk after kill -9, ${lost.length} lost (window ${window})`);
    expect(lost.length, `${lost.length} of ${acknowledged.length} acknowledged metrics lost`).toBeLessThanOrEqual(window);
  });
});

describe('ack', () => {
  it('is accepted or durable; anything else is a 400 naming it', async () => {
    const svc = await start([]);
    try {
      const res = await fetch(`${svc.url}/metrics?ack=maybe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"metrics":[{"name":"a","value":1}]}' });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'bad_parameter', param: 'ack' });
      const durable = await fetch(`${svc.url}/metrics?ack=durable`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"metrics":[{"name":"a","value":1}]}' });
      expect(await durable.json()).toEqual({ accepted: 1, durable: true });
    } finally {
      await svc.stop();
    }
  });

  it('durable at the finished level is a group commit: the 200 waits for the next fsync, not for the flush interval', { timeout: 30_000 }, async () => {
    // With --flush-interval-ms 20000 a writer that waits for its timer keeps every request for 20 s;
    // the ring's writer thread writes what gathered as soon as its previous fsync is done.
    const svc = await start(['--level', '7', '--flush-interval-ms', '20000']);
    try {
      const post = (i: number): Promise<Response> =>
        fetch(`${svc.url}/metrics?ack=durable`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ metrics: [{ name: 'gc', value: i }] }) });
      const started = performance.now();
      const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => post(i)));
      expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
      expect(performance.now() - started, 'the durable answers waited for the 20 s flush interval').toBeLessThan(10_000);
      expect(valuesOnDisk(svc.dataFile).size).toBe(8);
    } finally {
      await svc.stop();
    }
  });
});
