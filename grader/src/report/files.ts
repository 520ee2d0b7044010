import { appendFileSync, mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { GradeReport } from './model.ts';

/** Where a learner's reports live: `.grade/` in their checkout (git-ignored). */
export const gradeDir = (root: string): string => path.join(root, '.grade');

/** The last run's report in full, relative to the checkout; the console report points to it. */
export const REPORT_FILE = '.grade/report.json';

/** One line of the results history: enough to show before/after across runs. */
export interface HistoryEntry {
  at: string;
  phase: number;
  status: GradeReport['status'];
  passed: number;
  failed: number;
  branch?: string;
  /** A run that left checks out (--only, --skip-perf, watch): never shown as the phase done. */
  partial?: boolean;
  perf: Record<string, { value: number; unit: string; details: Record<string, number | string> }>;
}

export function toHistoryEntry(r: GradeReport): HistoryEntry {
  const perf: HistoryEntry['perf'] = {};
  for (const c of r.checks) if (c.measured) perf[c.id] = { value: c.measured.value, unit: c.measured.unit, details: c.measured.details };
  return {
    at: r.startedAt,
    phase: r.phase.id,
    status: r.status,
    passed: r.passed,
    failed: r.failed,
    branch: r.branch,
    ...(r.partial ? { partial: true } : {}),
    perf,
  };
}

/** Write `.grade/report.json` and append to `.grade/history.jsonl` (the seeds' performance_results). */
export function saveReport(root: string, report: GradeReport): void {
  const dir = gradeDir(root);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(root, REPORT_FILE), JSON.stringify(report, null, 2) + '\n');
  appendFileSync(path.join(dir, 'history.jsonl'), JSON.stringify(toHistoryEntry(report)) + '\n');
}

export function readHistory(root: string): HistoryEntry[] {
  const file = path.join(gradeDir(root), 'history.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as HistoryEntry];
      } catch {
        return []; // a half-written line from an interrupted run: skip it, keep the rest
      }
    });
}
