import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post, startService, type RunningService } from './support/service.ts';

const PROMTOOL = ['/usr/bin/promtool', '/usr/local/bin/promtool'].find((p) => existsSync(p));
if (!PROMTOOL) console.warn('prometheus test SKIPPED: promtool is missing (install Debian\'s prometheus with scripts/install-test-deps.sh)');

describe.skipIf(!PROMTOOL)('GET /metrics/prometheus, checked by promtool', () => {
  let svc: RunningService;
  beforeAll(async () => {
    svc = await startService();
    await post(svc.url, [{ name: 'cpu', value: 1, tags: { host: 'a' } }]);
    await fetch(`${svc.url}/query?name=cpu`);
  });
  afterAll(() => svc?.close());

  it('passes `promtool check metrics`', async () => {
    const res = await fetch(`${svc.url}/metrics/prometheus`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const file = path.join(svc.dir, 'exposition.txt');
    writeFileSync(file, text);
    // promtool reads the exposition on stdin; exit code 0 = valid (lint warnings are printed, and fail it too)
    const out = execFileSync('sh', ['-c', `"${PROMTOOL}" check metrics < "${file}" 2>&1`], { encoding: 'utf8' });
    expect(out.trim(), out).toBe('');
  });
});
