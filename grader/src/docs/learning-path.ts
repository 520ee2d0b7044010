import { PHASES, branchName } from '../registry/index.ts';

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
    ...details,
  ].join('\n');
}
