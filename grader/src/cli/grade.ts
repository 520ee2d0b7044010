import { existsSync, appendFileSync } from 'node:fs';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { REPO_ROOT } from '../harness/target.ts';
import { GraderError } from '../errors.ts';
import { addWorktree, type Worktree } from '../git/worktree.ts';
import { currentBranch, readLabMarker, resolvePhase } from '../phase-detect.ts';
import { gradeTree } from '../run/grade-tree.ts';
import { renderProgressLine, renderReport } from '../report/console.ts';
import { saveReport } from '../report/files.ts';
import { fenceCommands, renderAnnotations, renderSummary } from '../report/github.ts';
import { parseFlags } from './args.ts';
import { watchAndGrade } from './watch.ts';

const USAGE = `Usage: npm run grade -- [options]
  --phase N         grade phase N (default: from lab.json or the learning branch name)
  --branch NAME     grade the committed code of branch NAME in a temporary worktree
  --seed N          replay the randomized tests of an earlier run
  --skip-perf       correctness checks only (a partial run)
  --only ID,ID      only these checks (a partial run)
  --partial-ok      exit 0 when every check of a partial run passed (a partial run is never "done")
  --watch           re-grade on save (correctness only; press p for performance)
  --json            print the report as JSON
  --ci              also write a GitHub job summary and ::error annotations
  --verbose         show the probes' progress
  --target DIR      grade another tree (maintainers)
  --help            this text`;

async function main(): Promise<number> {
  const { values } = parseFlags({
    options: {
      phase: { type: 'string' },
      branch: { type: 'string' },
      seed: { type: 'string' },
      'skip-perf': { type: 'boolean', default: false },
      only: { type: 'string' },
      'partial-ok': { type: 'boolean', default: false },
      watch: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      ci: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      target: { type: 'string' },
    },
  }, USAGE);
  if (!existsSync(path.join(REPO_ROOT, 'node_modules/vitest'))) throw GraderError.missingDependencies();
  if (values.seed !== undefined && !/^\d+$/.test(values.seed)) throw GraderError.badFlag('seed', 'takes a whole number');
  const seed = values.seed !== undefined ? Number(values.seed) >>> 0 : (Math.random() * 2 ** 32) >>> 0;

  let worktree: Worktree | undefined;
  const cleanup = () => worktree?.remove();
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      cleanup();
      process.exit(130);
    });
  }
  try {
    let target = values.target ? path.resolve(values.target) : REPO_ROOT;
    if (values.branch) {
      if (values.branch === (await currentBranch(REPO_ROOT)) && !(await simpleGit(REPO_ROOT).status()).isClean()) {
        console.error(`note: --branch grades the last commit of ${values.branch}; your uncommitted changes are not included (grade them without --branch).`);
      }
      worktree = await addWorktree(REPO_ROOT, values.branch);
      target = worktree.dir;
    }
    const branch = values.branch ?? (values.target ? undefined : await currentBranch(REPO_ROOT));
    const phase = resolvePhase(values.phase, readLabMarker(target), branch);
    const only = values.only?.split(',').map((s) => s.trim());
    const known = [...phase.checks, ...phase.perf].map((c) => c.id);
    const unknown = only?.filter((id) => !known.includes(id)) ?? [];
    if (unknown.length > 0) throw GraderError.badFlag('only', `names no check of phase ${phase.id}: ${unknown.join(', ')}. Its checks: ${known.join(', ')}`);

    if (values.watch) return await watchAndGrade({ phase, target, seed, only });

    const color = !values.json && process.stdout.isTTY === true && !process.env.NO_COLOR;
    const report = await gradeTree({
      phase,
      target,
      seed,
      only,
      perf: !values['skip-perf'],
      verbose: values.verbose,
      branch: values.branch,
      onCheck: values.json ? undefined : (c) => process.stderr.write(renderProgressLine(c)),
    });
    saveReport(REPO_ROOT, report);
    if (values.json) {
      console.log(JSON.stringify(report, null, 2));
    } else {
      const text = renderReport(report, { color });
      // In CI the report may quote learner output: fence it so it cannot run workflow commands.
      process.stdout.write(values.ci ? fenceCommands(text) : '\n' + text);
    }
    if (values.ci) {
      if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, renderSummary(report));
      const annotations = renderAnnotations(report);
      if (annotations) console.log(annotations);
    }
    return report.status === 'pass' && (!report.partial || values['partial-ok']) ? 0 : 1;
  } finally {
    cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof GraderError) {
      console.error(err.message);
      process.exit(2);
    }
    console.error('The grader itself failed (not your code):', err);
    process.exit(3);
  },
);
