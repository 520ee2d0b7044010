import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * wrk (Debian package `wrk`), the bench's second load generator: C, one thread, keep-alive, the
 * same body. It does not share autocannon's client code or event loop, so a result both agree on
 * is the server's, not the generator's. 127.0.0.1 only.
 */
const execFileAsync = promisify(execFile);
const SCRIPT = path.join(path.dirname(path.dirname(fileURLToPath(import.meta.url))), 'wrk', 'post.lua');

export interface WrkResult {
  requests: number;
  /** Answered 2xx. */
  ok: number;
  okRps: number;
  p50: number;
  p99: number;
}

let installed: boolean | undefined;
export function wrkInstalled(): boolean {
  installed ??= spawnSync('wrk', ['--version'], { stdio: 'ignore' }).error === undefined;
  return installed;
}

export async function runWrk(o: { url: string; body: string; connections: number; durationSec: number }): Promise<WrkResult> {
  if (new URL(o.url).hostname !== '127.0.0.1') throw new Error(`load only targets 127.0.0.1, got ${o.url}`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ms-wrk-'));
  const bodyFile = path.join(dir, 'body.json');
  writeFileSync(bodyFile, o.body);
  const seconds = Math.max(1, Math.round(o.durationSec)); // wrk takes whole seconds
  const args = ['-t1', `-c${o.connections}`, `-d${seconds}s`, '--timeout', '10s', '-s', SCRIPT, o.url, '--', bodyFile];
  try {
    const { stdout } = await execFileAsync('wrk', args, { encoding: 'utf8', timeout: (seconds + 30) * 1000 }).catch((err: Error & { stderr?: string }) => {
      throw new Error(`wrk failed: ${err.stderr || err.message}`);
    });
    const line = stdout.split('\n').find((l) => l.startsWith('{"requests"'));
    if (!line) throw new Error(`wrk printed no result: ${stdout}`);
    const r = JSON.parse(line) as { requests: number; durationUs: number; non2xx: number; connect: number; read: number; write: number; timeout: number; p50Us: number; p99Us: number };
    const ok = r.requests - r.non2xx - r.read - r.write - r.timeout;
    return { requests: r.requests, ok, okRps: ok / (r.durationUs / 1e6), p50: r.p50Us / 1000, p99: r.p99Us / 1000 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
