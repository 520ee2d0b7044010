import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Stryker } from '@stryker-mutator/core';
import type { LogLevel, MutantResult } from '@stryker-mutator/api/core';
import { findPhase, type PhaseSpec } from '../registry/index.ts';
import { REPO_ROOT } from '../harness/target.ts';
import { readEquivalents, sameMutant } from '../mutation/equivalent.ts';
import { renderMutationReport, summarizeMutants, type MutantOutcome, type MutationRun } from '../mutation/report.ts';
import { linkNodeModules, materialize, removeTree } from '../tree/materialize.ts';
import { parseFlags } from './args.ts';

const USAGE = `Usage: npm run mutation -- --phase N [--concurrency K] [--seed S] [--recheck]
  Mutates phase N's reference solution files with StrykerJS, grades every mutant with the phase's
  correctness checks, and writes docs/mutation/phase-N.md (killed / survived / timed out / equivalent,
  and the score). Equivalent mutants are listed, with a reason, in grader/mutants/phase-N/equivalent.json.
  --recheck  after adding checks: run again only the mutants on the lines where some survived the last
             run here (.grade/mutation/phase-N.json), and merge them into its results.`;

/** What a run leaves behind for the next one (git-ignored): every outcome, and the runs that made them. */
interface SavedRuns {
  runs: MutationRun[];
  outcomes: MutantOutcome[];
}

const { values } = parseFlags(
  {
    options: {
      phase: { type: 'string' },
      concurrency: { type: 'string', default: '2' },
      seed: { type: 'string', default: '1' },
      recheck: { type: 'boolean', default: false },
    },
  },
  USAGE,
);
const phase = findPhase(Number(values.phase));
if (values.phase === undefined || !phase || !/^\d+$/.test(values.concurrency!) || !/^\d+$/.test(values.seed!)) {
  console.error(phase || values.phase === undefined ? USAGE : `Unknown phase "${values.phase}".\n${USAGE}`);
  process.exit(2);
}
const concurrency = Number(values.concurrency);
const equivalents = readEquivalents(phase.id);
const savedFile = path.join(REPO_ROOT, '.grade/mutation', `phase-${phase.id}.json`);

let previous: SavedRuns | undefined;
/** With --recheck: the survivors of the last run, to run again. */
let recheck: MutantOutcome[] | undefined;
if (values.recheck) {
  if (!existsSync(savedFile)) {
    console.error(`--recheck needs an earlier run of phase ${phase.id} here (${path.relative(REPO_ROOT, savedFile)}): run without --recheck first.`);
    process.exit(2);
  }
  previous = JSON.parse(readFileSync(savedFile, 'utf8')) as SavedRuns;
  recheck = summarizeMutants(previous.outcomes, equivalents).survivors;
  if (recheck.length === 0) console.log('nothing survived the last run: the report is regenerated as it is');
}

/**
 * The checks as they are when the run starts: a copy of the grader (and the trees its tests import
 * from), so that editing the tests while a run goes on cannot change its verdicts.
 */
function snapshotGrader(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'ms-mutation-grader-'));
  for (const item of ['grader', 'starter', 'solutions', 'package.json', 'tsconfig.json']) {
    cpSync(path.join(REPO_ROOT, item), path.join(root, item), { recursive: true });
  }
  linkNodeModules(root);
  return root;
}

/** Run Stryker in a fresh solution tree on `mutate` (Stryker's patterns, relative to the tree). */
async function runStryker(p: PhaseSpec, mutate: string[]): Promise<MutantOutcome[]> {
  const tree = materialize(p, { kind: 'solution' });
  const grader = snapshotGrader();
  const stats = path.join(tree, 'killers.txt');
  const checksCli = path.join(grader, 'grader/src/cli/mutation-checks.ts');
  let results: MutantResult[];
  try {
    // Stryker works in the current directory: the tree, which it copies into sandboxes under .stryker-tmp.
    process.chdir(tree);
    const stryker = new Stryker({
      mutate,
      testRunner: 'command',
      commandRunner: {
        command: `"${process.execPath}" --import ${import.meta.resolve('tsx')} "${checksCli}" --phase ${p.id} --seed ${values.seed} --stats "${stats}"`,
      },
      coverageAnalysis: 'off',
      // The wording of messages is not a rule; the strings that are (a field name, an error code) are
      // pinned by the checks and by hand-written mutants. Generated string mutants would only add noise.
      mutator: { excludedMutations: ['StringLiteral'] },
      // A mutant TypeScript rejects is refused by the grader's type check before any test runs.
      checkers: ['typescript'],
      tsconfigFile: 'tsconfig.json',
      concurrency,
      // A hang is a failure too; the checks kill their own hangs at their deadlines.
      timeoutMS: 30_000,
      reporters: [process.stdout.isTTY ? 'progress' : 'progress-append-only'],
      tempDirName: '.stryker-tmp',
      fileLogLevel: 'off' as LogLevel,
      logLevel: 'warn' as LogLevel,
    });
    results = await stryker.runMutationTest();
    return results.map((m) => toOutcome(m, tree));
  } finally {
    process.chdir(REPO_ROOT);
    removeTree(tree);
    removeTree(grader);
  }
}

function toOutcome(m: MutantResult, tree: string): MutantOutcome {
  const abs = path.resolve(tree, m.fileName);
  // Stryker reports 1-based lines and columns.
  const { start, end } = m.location;
  const span = readFileSync(abs, 'utf8').split('\n').slice(start.line - 1, end.line);
  const original =
    span.length === 1
      ? span[0]!.slice(start.column - 1, end.column - 1)
      : [span[0]!.slice(start.column - 1), ...span.slice(1, -1), span.at(-1)!.slice(0, end.column - 1)].join('\n');
  return {
    file: path.relative(path.join(tree, 'starter'), abs),
    line: start.line,
    column: start.column,
    end: { line: end.line, column: end.column },
    mutator: m.mutatorName,
    original,
    replacement: m.replacement ?? '',
    status: m.status,
    killedBy: /killed by ([\w-]+):/.exec(m.statusReason ?? '')?.[1],
  };
}

const started = performance.now();
// Stryker takes a mutant when it lies wholly inside a range: each range spans its survivor's lines.
const mutate = recheck
  ? [...new Set(recheck.map((m) => `starter/${m.file}:${m.line}-${m.end?.line ?? m.line}`))]
  : phase.exercises.map((f) => `starter/${f}`);
const fresh = mutate.length > 0 ? await runStryker(phase, mutate) : [];
const run: MutationRun = {
  scope: recheck ? 'recheck' : 'full',
  date: new Date().toISOString().slice(0, 10),
  durationS: (performance.now() - started) / 1000,
  concurrency,
  mutants: fresh.length,
};
const saved: SavedRuns = previous
  ? {
      // A recheck with nothing left to run only regenerates the report.
      runs: fresh.length > 0 ? [...previous.runs, run] : previous.runs,
      // A fresh outcome replaces the earlier one of the same mutant; every other earlier outcome stays.
      outcomes: [...previous.outcomes.filter((o) => !fresh.some((f) => sameMutant(f, o))), ...fresh],
    }
  : { runs: [run], outcomes: fresh };
mkdirSync(path.dirname(savedFile), { recursive: true });
writeFileSync(savedFile, JSON.stringify(saved, null, 2));

const summary = summarizeMutants(saved.outcomes, equivalents);
const out = path.join(REPO_ROOT, 'docs/mutation', `phase-${phase.id}.md`);
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(
  out,
  renderMutationReport({ phase, command: `npm run mutation -- --phase ${phase.id}`, runs: saved.runs, tool: 'StrykerJS 9.6.1, command runner' }, summary),
);

const c = summary.counts;
console.log(`\nphase ${phase.id}: score ${summary.score.toFixed(1)} % — ${c.killed} killed, ${c['timed out']} timed out, ${c.survived} survived, ${c.equivalent} equivalent, ${c.invalid} invalid, ${c.ignored} ignored; this run ${Math.round(run.durationS)} s`);
console.log(`report: ${path.relative(REPO_ROOT, out)}`);
for (const m of summary.survivors) console.log(`  survived ${m.file}:${m.line}:${m.column} ${m.mutator}: ${m.original.replace(/\s+/g, ' ')} -> ${m.replacement.replace(/\s+/g, ' ')}`);
