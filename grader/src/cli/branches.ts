import { REPO_ROOT } from '../harness/target.ts';
import { generateBranches, pushBranches } from '../git/branches.ts';
import { parseFlags } from './args.ts';

const USAGE = `Usage: npm run branches -- [options]
  --from BRANCH     build the learning branches from this branch (default: main)
  --push REMOTE     then push them to REMOTE`;

const { values } = parseFlags({ options: { from: { type: 'string', default: 'main' }, push: { type: 'string' } } }, USAGE);
try {
  const results = await generateBranches(REPO_ROOT, values.from);
  for (const r of results) console.log(`${r.action.padEnd(9)} ${r.branch}${r.commit ? ` ${r.commit.slice(0, 10)}` : ''}${r.note ? ` — ${r.note}` : ''}`);
  if (values.push) {
    await pushBranches(REPO_ROOT, values.push, results.filter((r) => r.action !== 'skipped').map((r) => r.branch));
    console.log(`pushed to ${values.push}`);
  }
  console.log('Start with: git checkout learning/phase-0-poc && npm run grade');
} catch (err) {
  console.error((err as Error).message);
  process.exit(2);
}
