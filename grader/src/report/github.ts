import { randomBytes } from 'node:crypto';
import type { CheckResult, GradeReport } from './model.ts';

/** Escape a workflow-command message (GitHub's rules: %, CR, LF). */
export const escapeData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

const STATUS = { pass: '✅ pass', fail: '❌ fail', error: '⚠️ error', skip: '➖ skip' } as const;

function measuredCell(c: CheckResult): string {
  if (!c.measured) return '';
  const t = c.measured.threshold;
  return `${+c.measured.value.toFixed(2)}${c.measured.unit}${t ? ` (needs ${t.op} ${t.value}${t.unit})` : ''}`;
}

/** Markdown for the job summary and the PR comment. */
export function renderSummary(report: GradeReport): string {
  const lines = [
    `## MetricStream Labs — phase ${report.phase.id}: ${report.phase.title}`,
    '',
    `**${report.status !== 'pass' ? 'Not done yet' : report.partial ? 'Partial run: not a verdict' : 'Phase done ✅'}** — ${report.passed} passed, ${report.failed} failed${report.partial ? ` (not run: ${report.partial.notRun.join(', ')})` : ''}`,
    '',
    '| | check | result | measured | read |',
    '|---|---|---|---|---|',
    ...report.checks.map(
      (c) => `| ${STATUS[c.status]} | \`${c.id}\` | ${cell(c.status === 'pass' && !c.measured ? c.title : (c.summary ?? c.title))} | ${cell(measuredCell(c))} | ${c.status === 'fail' || c.status === 'error' ? cell(`${c.hint} (${c.lesson})`) : ''} |`,
    ),
    '',
    `Seed \`${report.seed}\` — replay locally with \`npm run grade -- --seed ${report.seed}\`.${report.sandbox ? ` Learner code: ${report.sandbox}.` : ''}`,
    '',
  ];
  return lines.join('\n');
}

/** `::error` annotations, one per failing check; learner text is escaped so it cannot end the command. */
export function renderAnnotations(report: GradeReport): string {
  return report.checks
    .filter((c) => c.status === 'fail' || c.status === 'error')
    .map((c) => `::error title=${escapeProperty(`phase ${report.phase.id} / ${c.id}`)}::${escapeData(`${c.summary ?? c.title}\nhint: ${c.hint}\nread: ${c.lesson}`)}`)
    .join('\n');
}

/**
 * Wrap text that may contain learner output so GitHub does not execute workflow commands in it
 * (`::stop-commands::<token>` … `::<token>::`).
 */
export function fenceCommands(text: string, token = randomBytes(12).toString('hex')): string {
  return `::stop-commands::${token}\n${text}${text.endsWith('\n') ? '' : '\n'}::${token}::\n`;
}
