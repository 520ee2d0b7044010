import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// createWorker (starter/src/lib/ts-worker.ts) starts a TypeScript entry from a precompiled bundle.
// The bundle is plain JavaScript, so the worker must not inherit tsx's loader from its parent: that
// loader was most of a worker's start-up (phase 1 pays it on every request).
const starter = fileURLToPath(new URL('./fixtures/start-argv-worker.ts', import.meta.url));

function workerArgv(nodeFlags: string[]): string[] {
  const out = execFileSync(process.execPath, [...nodeFlags, '--import', 'tsx', starter], { encoding: 'utf8', timeout: 30_000 });
  return JSON.parse(out.trim().split('\n').at(-1) ?? '[]') as string[];
}

describe('createWorker on a TypeScript entry', () => {
  it('starts the bundle without the tsx loader the parent runs under, keeping other flags', () => {
    const argv = workerArgv(['--enable-source-maps']);
    expect(argv.join(' ')).not.toMatch(/tsx/);
    expect(argv).toContain('--enable-source-maps');
  });

  it('still starts when the parent has process-wide flags a worker may not be given explicitly', () => {
    // Node refuses `execArgv: ['--max-old-space-size=…']` but lets a worker inherit it: the fallback inherits.
    const argv = workerArgv(['--max-old-space-size=256']);
    expect(argv).toContain('--max-old-space-size=256');
  });
});
