import { existsSync, readFileSync } from 'node:fs';
import { waitUntil } from './deadline.ts';

/**
 * OS threads of a process, from /proc (Linux). Every live worker_thread is one OS thread, so a
 * worker that was never terminated shows up here whatever the code under test claims.
 */
export const canCountThreads = (): boolean => existsSync('/proc/self/status');

export function threadCount(pid: number | 'self' = 'self'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const n = Number(/^Threads:\s+(\d+)/m.exec(status)?.[1]);
  if (!Number.isInteger(n)) throw new Error(`no Threads: line in /proc/${pid}/status`);
  return n;
}

/** Wait until the process has at most `limit` threads; returns the last count seen. */
export async function settleThreads(pid: number | 'self', limit: number, ms: number): Promise<number> {
  let last = threadCount(pid);
  await waitUntil(() => (last = threadCount(pid)) <= limit, ms, 50);
  return last;
}
