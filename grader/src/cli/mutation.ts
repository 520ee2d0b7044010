import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Stryker } from '@stryker-mutator/core';
import type { LogLevel, MutantResult } from '@stryker-mutator/api/core';
import { findPhase } from '../registry/index.ts';
import { REPO_ROOT } from '../harness/target.ts';
import { readEquivalents } from '../mutation/equivalent.ts';
import { renderMutationReport, summarizeMutants, type MutantOutcome } from '../mutation/report.ts';
import { materialize, removeTree } from '../tree/materialize.ts';
import { parseFlags } from './args.ts';

const USAGE = `Usage: npm run mutation -- --phase N [--concurrency K] [--seed S]
  Mutates phase N's reference solution files with StrykerJS, grades every mutant with the phase's
  correctness checks, and writes docs/mutation/phase-N.md (killed / survived / timed out / equivalent,
  and the score). Equivalent mutants are listed, with a reason, in grader/mutants/phase-N/equivalent.json.`;

const { values } = parseFlags({
  options: {
    phase: { type: 'string' },
    concurrency: { type: 'string', default: '2' },
    seed: { type: 'string', default: '1' },
  },
}, USAGE);
const phase = findPhase(Number(values.phase));
if (values.phase === undefined || !phase || !/^\d+$/.test(values.concurrency!) || !/^\d+$/.test(values.seed!)) {
  console.error(phase || values.phase === undefined ? USAGE : `Unknown phase "${values.phase}".\n${USAGE}`);
  process.exit(2);
}

const tree = materialize(phase, { kind: 'solution' });
const stats = path.join(tree, 'killers.txt');
const tsxLoader = import.meta.resolve('tsx');
const checksCli = path.join(REPO_ROOT, 'grader/src/cli/mutation-checks.ts');
const concurrency = Number(values.concurrency);
const started = performance.now();
let results: MutantResult[];
try {
  // Stryker works in the current directory: the tree, which it copies into sandboxes under .stryker-tmp.
  process.chdir(tree);
  const stryker = new Stryker({
    mutate: phase.exercises.map((f) => `starter/${f}`),
    testRunner: 'command',
    commandRunner: { command: `"${process.execPath}" --import ${tsxLoader} "${checksCli}" --phase ${phase.id} --seed ${values.seed} --stats "${stats}"` },
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
} finally {
  process.chdir(REPO_ROOT);
}

const source = new Map<string, string[]>();
const lines = (file: string) => {
  if (!source.has(file)) source.set(file, readFileSync(path.join(tree, file), 'utf8').split('\n'));
  return source.get(file)!;
};
/** The original text a mutant replaces (Stryker reports 1-based lines and columns). */
function originalText(m: MutantResult): string {
  const file = lines(path.relative(tree, path.resolve(tree, m.fileName)));
  const { start, end } = m.location;
  const span = file.slice(start.line - 1, end.line);
  if (span.length === 1) return span[0]!.slice(start.column - 1, end.column - 1);
  return [span[0]!.slice(start.column - 1), ...span.slice(1, -1), span.at(-1)!.slice(0, end.column - 1)].join('\n');
}

const outcomes: MutantOutcome[] = results.map((m) => ({
  file: path.relative(path.join(tree, 'starter'), path.resolve(tree, m.fileName)),
  line: m.location.start.line,
  column: m.location.start.column,
  end: { line: m.location.end.line, column: m.location.end.column },
  mutator: m.mutatorName,
  original: originalText(m),
  replacement: m.replacement ?? '',
  status: m.status,
  killedBy: /killed by ([\w-]+):/.exec(m.statusReason ?? '')?.[1],
}));
removeTree(tree);

const summary = summarizeMutants(outcomes, readEquivalents(phase.id));
const durationS = (performance.now() - started) / 1000;
const report = renderMutationReport(
  {
    phase,
    command: `npm run mutation -- --phase ${phase.id}`,
    date: new Date().toISOString().slice(0, 10),
    durationS,
    concurrency,
    tool: 'StrykerJS 9.6.1, command runner',
  },
  summary,
);
const out = path.join(REPO_ROOT, 'docs/mutation', `phase-${phase.id}.md`);
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, report);
// Every outcome, for whoever works through the survivors (git-ignored).
const raw = path.join(REPO_ROOT, '.grade/mutation', `phase-${phase.id}.json`);
mkdirSync(path.dirname(raw), { recursive: true });
writeFileSync(raw, JSON.stringify(outcomes, null, 2));
rmSync(stats, { force: true });

console.log(`\nphase ${phase.id}: score ${summary.score.toFixed(1)} % — ${summary.counts.killed} killed, ${summary.counts['timed out']} timed out, ${summary.counts.survived} survived, ${summary.counts.equivalent} equivalent, ${summary.counts.invalid} invalid, ${Math.round(durationS)} s`);
console.log(`report: ${path.relative(REPO_ROOT, out)}`);
for (const m of summary.survivors) console.log(`  survived ${m.file}:${m.line}:${m.column} ${m.mutator}: ${m.original.replace(/\s+/g, ' ')} -> ${m.replacement.replace(/\s+/g, ' ')}`);
