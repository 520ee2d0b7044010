import { PHASES, branchName } from '../registry/index.ts';
import { branchSizes } from './branch-sizes.ts';

const relLesson = (lesson: string): string => lesson.replace(/^docs\//, '');

/** docs/LEARNING_PATH.md, generated from the registry so the two cannot drift apart. */
export function renderLearningPath(): string {
  const rows = PHASES.map(
    (p) =>
      `| ${p.id} | [${p.title}](${relLesson(p.lesson)}) | \`${branchName(p)}\` | ${p.estimate || '—'} | ${p.prerequisites.join(', ') || '—'} | ${p.checks.length} + ${p.perf.length} |`,
  );
  const details = PHASES.map((p) =>
    [
      `## Phase ${p.id} — ${p.title}`,
      '',
      p.summary,
      '',
      `- Branch: \`${branchName(p)}\` · lesson: [${p.lesson}](${relLesson(p.lesson)}) · time: ${p.estimate || '—'}`,
      `- You edit: ${p.exercises.map((e) => `\`starter/${e}\``).join(', ') || '—'}`,
      ...(p.checks.length ? ['- Graded correctness:', ...p.checks.map((c) => `  - \`${c.id}\` — ${c.title}`)] : []),
      ...(p.perf.length
        ? [
            '- Graded performance:',
            ...p.perf.map(
              (c) => `  - \`${c.id}\` — ${c.title}${c.threshold ? ` (${c.threshold.op} ${c.threshold.value}${c.threshold.unit})` : ' (recorded)'}`,
            ),
          ]
        : []),
      '',
    ].join('\n'),
  );
  return [
    '# Learning path',
    '',
    '<!-- Generated from grader/src/registry by `npm run docs`; edit the registry, not this file. -->',
    '',
    "Each phase removes the bottleneck the previous one measured. Work on a phase's branch, read its lesson,",
    'fill in the `TODO(phase-N)` stubs, and run `npm run grade` until it says the phase is done.',
    '',
    '| # | Phase | Branch | Time | Prerequisites | Checks (correctness + perf) |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
    '## The tree grows with the phases',
    '',
    "A phase's branch holds the service as it stands at that level: the files levels 0..N use (each file's first",
    "line gives its level and role; `starter/README.md` on the branch lists them), the earlier phases' reference",
    "solutions, and this phase's stubs. Nothing of a later phase is there yet.",
    '',
    '| Branch | Files in `starter/src` | Lines | Lines of this phase\'s exercise files |',
    '|---|---|---|---|',
    ...branchSizes().map((b) => `| \`${b.branch}\` | ${b.files} | ${b.lines.toLocaleString('en-US')} | ${b.exerciseLines} |`),
    '',
    ...details,
  ].join('\n');
}
