import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type * as ConfigModule from '../starter/src/config.ts';
import type * as ServiceModule from '../starter/src/service.ts';
import type { Metric } from '../starter/src/ingest/metric.ts';
import { encodeLines } from '../starter/src/storage/line-format.ts';
import { SeriesStore } from '../starter/src/storage/series-store.ts';
import { FileSink } from '../starter/src/storage/write-sink.ts';
import { SyncWriter } from '../starter/src/storage/writer.ts';
import { fromTree, post } from './support/service.ts';

// A crash mid-append leaves the log's last line without its newline. The next append must not be
// glued onto that fragment: the fragment is one unreadable line, the new metrics stay readable.
const FRAGMENT = '{"name":"cpu","value":1,"times';
const metric = (value: number): Metric => ({ name: 'after_crash', value, timestamp: 1_000 + value, tags: { host: 'h' }, client: 'test' });

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ms-torn-'));
  file = path.join(dir, 'metrics.jsonl');
  writeFileSync(file, `${encodeLines([metric(0)])}${FRAGMENT}`);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function reload(): { loaded: number; skipped: number; values: number[] } {
  const store = new SeriesStore();
  const { loaded, skipped } = store.loadFile(file);
  const values = store.select('after_crash', {}, -Infinity, Infinity).flatMap((s) => s.points.map((p) => p.value));
  return { loaded, skipped, values };
}

describe('appending to a log whose last line is torn', () => {
  it('SyncWriter (levels 0-1) starts a new line first, once', async () => {
    const w = new SyncWriter(file);
    await w.write([metric(1)]);
    await w.write([metric(2)]);
    await w.close();
    expect(readFileSync(file, 'utf8').split('\n')[1]).toBe(FRAGMENT);
    expect(reload()).toEqual({ loaded: 3, skipped: 1, values: [0, 1, 2] });
  });

  it('FileSink (the asynchronous writer, level 2+) starts a new line first, once', async () => {
    const sink = new FileSink(file);
    await sink.appendAndSync(encodeLines([metric(1)]));
    await sink.appendAndSync(encodeLines([metric(2)]));
    await sink.close();
    expect(reload()).toEqual({ loaded: 3, skipped: 1, values: [0, 1, 2] });
  });

  it('a log ending with a complete line gets no empty line', async () => {
    writeFileSync(file, encodeLines([metric(0)]));
    const w = new SyncWriter(file);
    await w.write([metric(1)]);
    await w.close();
    expect(readFileSync(file, 'utf8')).toBe(encodeLines([metric(0), metric(1)]));
  });

  it('the finished service keeps a metric accepted after a crash across its next restart', async () => {
    const { loadConfig } = await fromTree<typeof ConfigModule>('config.ts');
    const { createMetricStream } = await fromTree<typeof ServiceModule>('service.ts');
    const config = await loadConfig(['--port', '0', '--host', '127.0.0.1', '--data-file', file], {});
    const start = async () => {
      const svc = await createMetricStream(config, { log: () => {} });
      return { svc, url: (await svc.listen()).url };
    };
    const a = await start();
    await post(a.url, [{ name: 'after_crash', value: 7, timestamp: 1_007, tags: { host: 'h' } }]);
    await a.svc.close();
    const b = await start();
    try {
      const values = b.svc.store.select('after_crash', {}, -Infinity, Infinity).flatMap((s) => s.points.map((p) => p.value));
      expect(values).toEqual([0, 7]);
    } finally {
      await b.svc.close();
    }
  });
});
