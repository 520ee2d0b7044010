import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../../src/harness/service.ts';
import { postMetrics } from '../../src/harness/in-process.ts';

let svc: RunningService | undefined;
afterEach(async () => {
  await svc?.stop(2_000);
  svc = undefined;
});

/** SIGTERM the service and wait for its exit code (SIGKILL after `graceMs`: reported as a hang). */
async function terminate(s: RunningService, graceMs = 8_000): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => s.child.once('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
  s.child.kill('SIGTERM');
  const timer = setTimeout(() => s.child.kill('SIGKILL'), graceMs);
  const code = await exited;
  clearTimeout(timer);
  return code;
}

const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');

describe('graceful shutdown (the service in its own process)', () => {
  it('exits 0 on SIGTERM with every accepted metric on disk, exactly once', async () => {
    svc = await startService({ level: 0 });
    const N = 60;
    const answers = await Promise.all(
      Array.from({ length: N }, (_, i) => postMetrics(svc!.url, [{ name: 'seq', value: i, timestamp: 1758116723000 + i }], { 'x-client-id': 'shutdown' })),
    );
    const refused = answers.filter((a) => a.status !== 200);
    expect(refused.length, `Expected all ${N} POSTs to be accepted, ${refused.length} were not: ${refused[0]?.text}`).toBe(0);
    const code = await terminate(svc);
    expect(code, `Expected exit code 0 after SIGTERM, got ${code === -1 ? 'a kill after 8 s (shutdown hung)' : code}. Output:\n${svc.output()}`).toBe(0);
    const values = lines(svc.dataFile).map((l) => (JSON.parse(l) as { value: number }).value).sort((a, b) => a - b);
    expect(values, `Expected exactly the ${N} accepted metrics on disk (values 0..${N - 1}), each once`).toEqual(Array.from({ length: N }, (_, i) => i));
  });

  it('loses nothing it accepted when SIGTERM arrives during a stream of requests', async () => {
    svc = await startService({ level: 0 });
    const s = svc;
    let sent = 0;
    let accepted = 0;
    let stop = false;
    const client = async (c: number) => {
      while (!stop) {
        const value = c * 1_000_000 + sent++;
        try {
          const res = await postMetrics(s.url, [{ name: 'stream', value }]);
          if (res.status === 200) accepted++;
        } catch (err) {
          if ((err as Error).name === 'TodoError') throw err;
          return; // the server is gone: refused connections are fine, they were never accepted
        }
      }
    };
    const clients = Promise.all(Array.from({ length: 8 }, (_, c) => client(c)));
    clients.catch(() => {}); // awaited below; do not let an early failure go unhandled meanwhile
    await new Promise((r) => setTimeout(r, 400));
    const code = await terminate(s);
    stop = true;
    await clients; // rethrows a client's failure, e.g. a stub's TodoError
    expect(code, `Expected exit code 0 after SIGTERM under load, got ${code === -1 ? 'a kill after 8 s (shutdown hung)' : code}. Output:\n${s.output()}`).toBe(0);
    expect(accepted, 'Expected some requests to be accepted before SIGTERM').toBeGreaterThan(0);
    const onDisk = lines(s.dataFile).length;
    expect(onDisk, `Expected exactly ${accepted} lines (one per 200 answer) in the data file, found ${onDisk}: an accepted metric was ${onDisk < accepted ? 'lost' : 'duplicated'}`).toBe(accepted);
  });
});
