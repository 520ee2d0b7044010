import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { findPhase } from '../registry/index.ts';
import { runCorrectnessCheck } from '../run/correctness.ts';
import { parseFlags } from './args.ts';

/**
 * The command `npm run mutation` has Stryker run once per mutant, in its sandbox: a solution tree with
 * every mutant built in, one switched on by __STRYKER_ACTIVE_MUTANT__ (which reaches the checks' child
 * processes and worker threads through the environment). Runs the phase's correctness checks exactly as
 * the grader does and exits 1 at the first that fails, naming it; 0 means the mutant survived.
 */
const USAGE = 'Usage (run by npm run mutation, in a solution tree): mutation-checks.ts --phase N [--seed S] [--stats FILE]';
const { values } = parseFlags({ options: { phase: { type: 'string' }, seed: { type: 'string' }, stats: { type: 'string' } } }, USAGE);
const phase = findPhase(Number(values.phase));
if (!phase) {
  console.error(`unknown phase ${values.phase}`);
  process.exit(2);
}

// The checks that caught most mutants so far go first: a killed mutant then costs one check, not all.
const kills = new Map<string, number>();
if (values.stats && existsSync(values.stats)) {
  for (const id of readFileSync(values.stats, 'utf8').split('\n')) if (id) kills.set(id, (kills.get(id) ?? 0) + 1);
}
const ordered = [...phase.checks].sort((a, b) => (kills.get(b.id) ?? 0) - (kills.get(a.id) ?? 0));

for (const check of ordered) {
  const r = await runCorrectnessCheck(check, { target: process.cwd(), seed: Number(values.seed ?? 1), lesson: phase.lesson, maxFailures: 1 });
  if (r.status !== 'pass') {
    console.log(`killed by ${check.id}: ${r.summary ?? r.status}`);
    if (r.failures[0]) console.log(`  ${r.failures[0].test}: ${r.failures[0].message.split('\n')[0]}`);
    if (values.stats) appendFileSync(values.stats, `${check.id}\n`);
    process.exit(1);
  }
}
console.log(`survived all ${ordered.length} checks`);
