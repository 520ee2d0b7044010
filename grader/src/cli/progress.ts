import { Chalk } from 'chalk';
import { PHASES, branchName } from '../registry/index.ts';
import { REPO_ROOT } from '../harness/target.ts';
import { readHistory } from '../report/files.ts';
import { parseFlags } from './args.ts';

// `npm run progress`: every phase with its latest result and the numbers of its first and last run.
// It takes no flags, so a mistyped one (say, --phase 3) is an error rather than silently ignored.
parseFlags({ options: {} }, 'Usage: npm run progress   (every phase: its latest result and the numbers of its first and last run)');
const c = new Chalk({ level: process.stdout.isTTY && !process.env.NO_COLOR ? 1 : 0 });
const history = readHistory(REPO_ROOT);
for (const phase of PHASES) {
  const runs = history.filter((h) => h.phase === phase.id);
  const last = runs.at(-1);
  // A partial run (--only, --skip-perf, watch) is progress, not a verdict: it never shows as done.
  const mark = !last ? c.gray('·') : last.status !== 'pass' ? c.red('✗') : last.partial ? c.yellow('~') : c.green('✓');
  const state = !last
    ? c.gray('not graded yet')
    : `${last.passed} passed, ${last.failed} failed${last.partial ? ' in a partial run' : ''} (${runs.length} run${runs.length === 1 ? '' : 's'}, last ${last.at.slice(0, 16).replace('T', ' ')})`;
  console.log(`${mark} phase ${phase.id} ${phase.slug.padEnd(12)} ${state}`);
  const measured = runs.filter((r) => Object.keys(r.perf).length > 0);
  if (measured.length > 0) {
    const first = measured[0]!;
    const latest = measured.at(-1)!;
    for (const [id, m] of Object.entries(latest.perf)) {
      const before = first.perf[id];
      const trend = before && first !== latest ? `${+before.value.toFixed(2)}${before.unit} -> ` : '';
      console.log(c.gray(`    ${id}: ${trend}${+m.value.toFixed(2)}${m.unit}`));
    }
  }
  if (!last && phase.checks.length > 0) console.log(c.gray(`    git checkout ${branchName(phase)} && npm run grade`));
}
