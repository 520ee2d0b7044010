import { branchName, type PhaseSpec } from '../registry/index.ts';

const BEGIN = '<!-- lesson header: generated from the phase registry by `npm run docs`; edit the registry, not these lines -->';
const END = '<!-- end of lesson header -->';

/** The lines under a lesson's title: its branch, the learner's files, the reference, the time. */
export function renderLessonHeader(p: PhaseSpec): string {
  const files = (list: string[]) => list.map((e) => `\`starter/${e}\``).join(', ');
  return [
    BEGIN,
    `- **Branch** \`${branchName(p)}\` · **yours**: ${files(p.exercises)} · **time**: about ${p.estimate}`,
    `- **Before you start**: ${p.prerequisites.join('; ') || '—'}`,
    `- **Done when** \`npm run grade\` passes ${p.checks.length} correctness check${p.checks.length === 1 ? '' : 's'} and ${p.perf.length} performance check${p.perf.length === 1 ? '' : 's'}; the reference solution is \`solutions/phase-${p.id}/\` on main.`,
    END,
  ].join('\n');
}

/** The lesson with its generated header under the title (replacing the previous one, if any). */
export function withLessonHeader(markdown: string, p: PhaseSpec): string {
  const header = renderLessonHeader(p);
  const start = markdown.indexOf(BEGIN);
  if (start >= 0) {
    const end = markdown.indexOf(END, start);
    if (end < 0) throw new Error(`${p.lesson}: "${BEGIN}" without "${END}"`);
    return markdown.slice(0, start) + header + markdown.slice(end + END.length);
  }
  const title = /^# .*\n/m.exec(markdown);
  if (!title) throw new Error(`${p.lesson} has no "# " title to put its header under`);
  const at = title.index + title[0].length;
  return `${markdown.slice(0, at)}\n${header}\n\n${markdown.slice(at).replace(/^\n+/, '')}`;
}
