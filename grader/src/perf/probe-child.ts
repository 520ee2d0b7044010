import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createPerfContext, type PerfProbe } from '../harness/perf.ts';
import { REPO_ROOT } from '../harness/target.ts';
import { resultChannelOpen, sendResult } from '../run/result-channel.ts';

/**
 * Runs one performance probe in its own process (the grader kills it at its deadline).
 * Usage: tsx grader/src/perf/probe-child.ts <probe file> ; env MS_TARGET.
 * Sends `{ ok: true, measurement }` or `{ ok: false, error }` on the result channel the grader
 * opened (result-channel.ts), or prints it when run by hand.
 */
const file = process.argv[2];
if (!file) throw new Error('usage: probe-child.ts <probe file>');
const verbose = process.env.MS_VERBOSE === '1';
const { ctx, cleanup } = createPerfContext((m) => verbose && process.stderr.write(`  ${m}\n`));
let out: unknown;
try {
  const mod = (await import(pathToFileURL(path.resolve(REPO_ROOT, file)).href)) as { default: PerfProbe };
  out = { ok: true, measurement: await mod.default(ctx) };
} catch (err) {
  const e = err as Error;
  out = { ok: false, error: { name: e.name, message: e.message, stack: e.stack } };
} finally {
  await cleanup();
}
if (resultChannelOpen()) sendResult(out);
else console.log(JSON.stringify(out));
