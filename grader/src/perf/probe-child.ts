import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createPerfContext, type PerfProbe } from '../harness/perf.ts';
import { REPO_ROOT } from '../harness/target.ts';

/**
 * Runs one performance probe in its own process (the grader kills it at its deadline).
 * Usage: tsx grader/src/perf/probe-child.ts <probe file> ; env MS_TARGET, MS_RESULT_FILE.
 * Writes `{ ok: true, measurement }` or `{ ok: false, error }` to MS_RESULT_FILE (or stdout).
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
const json = JSON.stringify(out);
if (process.env.MS_RESULT_FILE) writeFileSync(process.env.MS_RESULT_FILE, json);
else console.log(json);
