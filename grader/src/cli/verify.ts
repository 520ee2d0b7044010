import { Chalk } from 'chalk';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PHASES, type PhaseSpec } from '../registry/index.ts';
import { REPO_ROOT } from '../harness/target.ts';
import { lintCourse } from '../course-lint.ts';
import { readLabMarker } from '../phase-detect.ts';
import { gradeTree } from '../run/grade-tree.ts';
import type { GradeReport } from '../report/model.ts';
import { materialize, removeTree, variantLabel, type Variant } from '../tree/materialize.ts';
import { parseFlags } from './args.ts';

/**
 * The grader proves itself: for every phase, the reference passes, the stubs fail every correctness
 * check, and every mutant fails the checks it names with a message that teaches.
 */
const USAGE = `Usage: npm run verify -- [options]
  --phase N         verify phase N only (default: every phase)
  --skip-perf       do not run the reference's performance checks
  --keep            keep the built trees
  --seed N          seed of the randomized tests (default 20251122)`;

const { values } = parseFlags({
  options: {
    phase: { type: 'string' },
    'skip-perf': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    seed: { type: 'string' },
  },
}, USAGE);
const c = new Chalk({ level: process.stdout.isTTY && !process.env.NO_COLOR ? 1 : 0 });
const seed = values.seed ? Number(values.seed) : 20_251_122;
const MUTANT_ATTEMPTS = 3;

interface Outcome {
  label: string;
  ok: boolean;
  warning?: string;
  detail: string[];
}

function reportText(r: GradeReport): string {
  return r.checks.map((k) => [k.summary ?? '', ...k.failures.map((f) => `${f.test}: ${f.message}`)].join('\n')).join('\n');
}

async function verifyVariant(phase: PhaseSpec, variant: Variant): Promise<Outcome> {
  const tree = materialize(phase, variant);
  const label = `phase ${phase.id} ${variantLabel(variant)}`;
  try {
    if (variant.kind === 'solution') {
      const r = await gradeTree({ phase, target: tree, seed, perf: !values['skip-perf'] });
      const bad = r.checks.filter((k) => k.status === 'fail' || k.status === 'error');
      const noisy = bad.filter((k) => k.reason === 'noisy');
      const ok = bad.length === noisy.length;
      const perf = r.checks.filter((k) => k.measured).map((k) => `${k.id} ${k.summary}`);
      return {
        label,
        ok,
        warning: noisy.length ? `too noisy to call: ${noisy.map((k) => k.id).join(', ')}` : undefined,
        detail: ok ? perf : bad.map((k) => `${k.id}: ${k.summary}\n${k.failures.map((f) => `    ${f.test}: ${f.message}`).join('\n')}`),
      };
    }
    if (variant.kind === 'stub') {
      const r = await gradeTree({ phase, target: tree, seed, perf: false });
      const compile = r.checks.find((k) => k.kind === 'compile');
      const passing = r.checks.filter((k) => k.kind === 'correctness' && k.status === 'pass');
      const errors = r.checks.filter((k) => k.kind === 'correctness' && k.status === 'error');
      const notTodo = r.checks.filter((k) => k.kind === 'correctness' && k.reason !== 'todo');
      const detail = [
        ...(compile ? [`the stubs do not compile: ${compile.failures.map((f) => `${f.test} ${f.message}`).join('; ')}`] : []),
        ...passing.map((k) => `${k.id} passes on the stubs — it cannot tell unsolved from solved`),
        ...errors.map((k) => `${k.id} errors on the stubs instead of failing: ${k.summary}`),
      ];
      return {
        label,
        ok: detail.length === 0,
        warning: notTodo.length ? `not reported as "not implemented yet": ${notTodo.map((k) => k.id).join(', ')}` : undefined,
        detail,
      };
    }
    const mutant = phase.mutants.find((m) => m.name === variant.name)!;
    // Some bugs (a publication race, a lost update) show up with high probability, not certainty:
    // a check that misses one is given up to MUTANT_ATTEMPTS runs, and the report says how many it took.
    const caught = new Set<string>();
    let text = '';
    let attempts = 0;
    while (attempts < MUTANT_ATTEMPTS && mutant.failsChecks.some((id) => !caught.has(id))) {
      attempts++;
      const only = mutant.failsChecks.filter((id) => !caught.has(id));
      const needsPerf = only.some((id) => phase.perf.some((p) => p.id === id));
      const r = await gradeTree({ phase, target: tree, seed: seed + attempts - 1, only, perf: needsPerf, typecheck: false });
      for (const k of r.checks) if (k.status === 'fail' || k.status === 'error') caught.add(k.id);
      text += reportText(r) + '\n';
    }
    const missed = mutant.failsChecks.filter((id) => !caught.has(id));
    const detail = [
      ...missed.map((id) => `${id} passes on the mutant (${mutant.bug}) — the check misses this bug`),
      ...(text.includes(mutant.messageIncludes) ? [] : [`the report does not say "${mutant.messageIncludes}"; it says:\n${text.slice(0, 800)}`]),
    ];
    const how = `caught by ${[...caught].join(', ')}${attempts > 1 ? ` (needed ${attempts} runs)` : ''}`;
    return { label, ok: detail.length === 0, warning: attempts > 1 && missed.length === 0 ? how : undefined, detail: detail.length ? detail : [how] };
  } finally {
    if (values.keep) console.log(c.gray(`  kept ${tree}`));
    else removeTree(tree);
  }
}

async function main(): Promise<number> {
  if (readLabMarker(REPO_ROOT)) {
    console.log('This is a learning branch: verify needs the reference solutions on main. Grade your work with: npm run grade');
    return 0;
  }
  const started = performance.now();
  const problems = lintCourse();
  for (const p of problems) console.log(`${c.red('✗')} course: ${p}`);
  const phases = PHASES.filter((p) => p.checks.length > 0 && (values.phase === undefined || String(p.id) === values.phase));
  const outcomes: Outcome[] = [];
  for (const phase of phases) {
    if (!existsSync(path.join(REPO_ROOT, phase.lesson))) continue;
    const variants: Variant[] = [{ kind: 'solution' }, { kind: 'stub' }, ...phase.mutants.map((m) => ({ kind: 'mutant' as const, name: m.name }))];
    for (const v of variants) {
      const t0 = performance.now();
      const o = await verifyVariant(phase, v);
      outcomes.push(o);
      const secs = c.gray(`(${((performance.now() - t0) / 1000).toFixed(1)} s)`);
      console.log(`${o.ok ? c.green('✓') : c.red('✗')} ${o.label} ${secs}`);
      for (const d of o.detail) console.log(`    ${o.ok ? c.gray(d) : d}`);
      if (o.warning) console.log(`    ${c.yellow('warning:')} ${o.warning}`);
    }
  }
  const failed = outcomes.filter((o) => !o.ok).length + problems.length;
  console.log(c.gray(`verified ${phases.length} phases in ${((performance.now() - started) / 1000).toFixed(0)} s`));
  console.log(`${outcomes.filter((o) => o.ok).length} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(3);
  },
);
