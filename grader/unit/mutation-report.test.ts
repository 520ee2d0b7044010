import { describe, expect, test } from 'vitest';
import type { EquivalentMutant } from '../src/mutation/equivalent.ts';
import { renderMutationReport, summarizeMutants, type MutantOutcome } from '../src/mutation/report.ts';

const m = (line: number, status: string, extra: Partial<MutantOutcome> = {}): MutantOutcome => ({
  file: 'src/query/aggregate.ts',
  line,
  column: 4,
  mutator: 'EqualityOperator',
  original: 'i < n',
  replacement: 'i <= n',
  status,
  ...extra,
});
const equivalent: EquivalentMutant = { file: 'src/query/aggregate.ts', line: 9, mutator: 'EqualityOperator', replacement: 'i  <=\n n', why: 'the last index is never read' };

describe('mutation report', () => {
  const outcomes = [
    m(1, 'Killed', { killedBy: 'query' }),
    m(2, 'Killed', { killedBy: 'query' }),
    m(3, 'Timeout'),
    m(4, 'Survived'),
    m(9, 'Survived'),
    m(5, 'CompileError'),
    m(6, 'RuntimeError'),
    m(7, 'Ignored'),
  ];

  test('the score counts killed and timed-out mutants over every valid, non-equivalent one', () => {
    const s = summarizeMutants(outcomes, [equivalent]);
    expect(s.counts).toEqual({ killed: 2, 'timed out': 1, survived: 1, equivalent: 1, invalid: 2, ignored: 1 });
    expect(s.score).toBe(75);
    expect(s.survivors.map((x) => x.line)).toEqual([4]);
    expect(s.equivalents[0]!.why).toBe('the last index is never read');
    expect(s.killedBy).toEqual({ query: 2 });
  });

  test('an equivalence entry that matches no mutant is reported as stale', () => {
    const s = summarizeMutants(outcomes, [{ ...equivalent, line: 40 }]);
    expect(s.stale).toHaveLength(1);
    expect(s.counts.survived).toBe(2);
  });

  test('the report has the score on a line of its own and lists every survivor', () => {
    const text = renderMutationReport(
      {
        phase: { id: 0, title: 'PoC' },
        command: 'npm run mutation -- --phase 0',
        runs: [{ scope: 'full', date: '2026-12-03', durationS: 61.2, concurrency: 2, mutants: 8 }],
        tool: 'StrykerJS',
      },
      summarizeMutants(outcomes, [equivalent]),
    );
    expect(text.split('\n')).toContain('score: 75.0 %');
    expect(text).toContain('- src/query/aggregate.ts:4 EqualityOperator: `i < n` -> `i <= n`');
    expect(text).toContain('the last index is never read');
    expect(text).toContain('- every mutant: 2026-12-03, 8 mutants in 61 s, concurrency 2');
  });
});
