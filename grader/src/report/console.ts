import { Chalk } from 'chalk';
import { REPORT_FILE } from './files.ts';
import type { CheckResult, GradeReport } from './model.ts';

export interface RenderOptions {
  color: boolean;
  /** Failing checks shown in full (failures, hint, lesson); the rest get one line. */
  expand?: number;
  /** Durations vary run to run; fixture tests turn them off. */
  durations?: boolean;
}

/** One icon per status, in the report and in the live list printed while grading. */
export const ICON = { pass: '✓', fail: '✗', error: '!', skip: '-' } as const;

/** The live list's line for a check that just finished (the report follows once all have run). */
export function renderProgressLine(c: CheckResult): string {
  return `  ${ICON[c.status]} ${c.id}\n`;
}

function detailLine(c: CheckResult): string {
  const d = c.measured?.details;
  if (!d) return '';
  return Object.entries(d)
    .map(([k, v]) => `${k} ${typeof v === 'number' ? +v.toFixed(2) : v}`)
    .join(', ');
}

/** The learner's report: one line per check, the first failures expanded with hint and lesson. */
export function renderReport(report: GradeReport, opts: RenderOptions): string {
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const paint = { pass: c.green, fail: c.red, error: c.magenta, skip: c.gray } as const;
  const width = Math.max(...report.checks.map((k) => k.id.length), 8);
  const out: string[] = [];
  out.push(c.bold(`MetricStream Labs — phase ${report.phase.id}: ${report.phase.title}`));
  out.push(c.gray(`grading ${report.branch ? `branch ${report.branch}` : report.target}${report.sandbox ? `, ${report.sandbox}` : ''}`));
  if (report.phase.exercises?.length) out.push(`your files: ${report.phase.exercises.map((e) => `starter/${e}`).join(', ')} ${c.gray('(every file: starter/README.md)')}`);
  let expanded = 0;
  // Failing checks past the expansion limit: their failures are only in the saved report.
  let collapsed = 0;
  const sections: Array<[string, CheckResult[]]> = [
    ['Correctness', report.checks.filter((k) => k.kind !== 'perf')],
    ['Performance', report.checks.filter((k) => k.kind === 'perf')],
  ];
  for (const [title, checks] of sections) {
    if (checks.length === 0) continue;
    out.push('', c.bold(title));
    for (const k of checks) {
      const time = opts.durations !== false && k.durationMs > 0 ? c.gray(` (${(k.durationMs / 1000).toFixed(1)} s)`) : '';
      const counts = k.tests && k.status === 'pass' ? c.gray(` ${k.tests.passed}/${k.tests.total} tests`) : '';
      const text = k.status === 'pass' && !k.measured ? k.title : (k.summary ?? k.title);
      out.push(`  ${paint[k.status](ICON[k.status])} ${c.yellow(k.id.padEnd(width))} ${text}${counts}${time}`);
      if (k.measured && k.status !== 'skip') {
        const details = detailLine(k);
        if (details) out.push(c.gray(`      ${details}`));
      }
      if (k.status !== 'fail' && k.status !== 'error') continue;
      // "Not implemented yet" is said in full on the check's line; its tests would only repeat it.
      if (k.reason !== 'todo' && k.failures.length > 0) {
        if (expanded < (opts.expand ?? 3)) {
          expanded++;
          for (const f of k.failures) {
            out.push(`      ${c.bold('›')} ${f.test}`);
            for (const line of f.message.split('\n')) out.push(`        ${line}`);
          }
        } else {
          collapsed++;
        }
      }
      out.push(`      ${c.cyan('hint:')} ${k.hint}`);
      out.push(`      ${c.cyan('read:')} ${k.lesson}`);
    }
  }
  out.push('');
  if (collapsed > 0) {
    const which = collapsed === 1 ? '1 more failing check' : `${collapsed} more failing checks`;
    out.push(`The failures of ${which} are not shown above; every failure in full: ${REPORT_FILE}`);
  }
  if (report.failed > 0) out.push(c.gray(`seed ${report.seed} (replay this run: npm run grade -- --seed ${report.seed})`));
  if (report.partial) out.push(c.yellow(`partial run: not run ${report.partial.notRun.join(', ')}`));
  const verdict =
    report.status === 'pass' && report.partial
      ? c.yellow.bold(`Every check that ran passed, but this was a partial run: phase ${report.phase.id} is done only when a full \`npm run grade\` passes.`)
      : report.status === 'pass'
      ? c.green.bold(`Phase ${report.phase.id} done ✓`)
      : report.status === 'error'
        ? c.magenta.bold('Your code could not run; fix the errors above first.')
        : c.red.bold(`Phase ${report.phase.id} not done yet.`);
  out.push(verdict);
  out.push(`${report.passed} passed, ${report.failed} failed`);
  return out.join('\n') + '\n';
}
