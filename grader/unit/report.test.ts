import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { ICON, renderProgressLine, renderReport } from '../src/report/console.ts';
import { escapeData, fenceCommands, renderAnnotations, renderSummary } from '../src/report/github.ts';
import { SAMPLES } from './sample-reports.ts';

// The learner-facing output is pinned by recorded fixtures. After an intended change, re-record with:
//   UPDATE_FIXTURES=1 npm run test:unit -- grader/unit/report.test.ts
const FIXTURES = path.join(import.meta.dirname, 'fixtures/reports');

function matchFixture(name: string, actual: string): void {
  const file = path.join(FIXTURES, name);
  if (process.env.UPDATE_FIXTURES || !existsSync(file)) writeFileSync(file, actual);
  expect(actual, `output differs from ${path.relative(process.cwd(), file)}; re-record with UPDATE_FIXTURES=1 if intended`).toBe(readFileSync(file, 'utf8'));
}

describe('console report', () => {
  for (const name of Object.keys(SAMPLES)) {
    test(`${name} report matches its fixture`, () => {
      matchFixture(`${name}.txt`, renderReport(SAMPLES[name]!, { color: false, durations: false }));
    });
  }

  test('the last line is the count a CI log reader expects', () => {
    const lines = renderReport(SAMPLES.fail!, { color: false }).trimEnd().split('\n');
    expect(lines.at(-1)).toBe('1 passed, 2 failed');
  });

  test('only the first failures are expanded', () => {
    const text = renderReport(SAMPLES.fail!, { color: false, expand: 1 });
    expect(text).toContain('Expected status code 200, got 404');
    expect(text).not.toContain('› fires after for-duration');
    expect(text).toContain('read: docs/phase-0-poc.md#validation');
  });

  test('failing checks past the expansion limit keep their one line, and the report points to every failure in full', () => {
    const text = renderReport(SAMPLES.many!, { color: false });
    expect(text).not.toContain('› matches every tag');
    expect(text).toMatch(/✗ tags +1 of 4 tests failed/);
    expect(text).toContain('The failures of 2 more failing checks are not shown above; every failure in full: .grade/report.json');
    expect(renderReport(SAMPLES.fail!, { color: false })).not.toContain('report.json');
  });

  test('the live list while grading uses the report’s icons', () => {
    for (const status of ['pass', 'fail', 'error', 'skip'] as const) {
      expect(renderProgressLine({ ...SAMPLES.error!.checks[0]!, status })).toBe(`  ${ICON[status]} typescript\n`);
    }
    expect(renderProgressLine(SAMPLES.error!.checks[0]!)).toBe('  ! typescript\n');
  });

  test('"not implemented yet" is said once, not once per test of the check', () => {
    const text = renderReport(SAMPLES.fail!, { color: false });
    expect(text.match(/AlertEngine\.evaluate is not implemented yet/g)).toHaveLength(1);
  });

  test('a partial run whose checks all passed is not called done', () => {
    const text = renderReport(SAMPLES.partial!, { color: false });
    expect(text).not.toContain('done ✓');
    expect(text).toContain('partial run: not run roundtrip, baseline');
    expect(renderSummary(SAMPLES.partial!)).toContain('Partial run: not a verdict');
  });

  test('colour only when asked', () => {
    expect(renderReport(SAMPLES.pass!, { color: false })).not.toMatch(/\u001b\[/);
    expect(renderReport(SAMPLES.pass!, { color: true })).toMatch(/\u001b\[/);
  });
});

describe('GitHub output', () => {
  test('job summary matches its fixture', () => matchFixture('summary.md', renderSummary(SAMPLES.fail!)));

  test('annotations escape learner text so it cannot start a new workflow command', () => {
    const report = structuredClone(SAMPLES.fail!);
    report.checks[1]!.summary = 'boom\n::set-output name=x::pwned %';
    const out = renderAnnotations(report);
    expect(out.split('\n').every((l) => l.startsWith('::error '))).toBe(true);
    expect(out).toContain('boom%0A::set-output name=x::pwned %25');
  });

  test('fenced output stops workflow commands with a one-time token', () => {
    const out = fenceCommands('::error::fake\n', 'tok123');
    expect(out).toBe('::stop-commands::tok123\n::error::fake\n::tok123::\n');
    expect(escapeData('a\r\nb')).toBe('a%0D%0Ab');
  });
});
