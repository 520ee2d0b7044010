import { describe, expect, test } from 'vitest';
import { meets, median, tooNoisy } from '../src/run/perf.ts';
import { resolvePhase, phaseFromBranch } from '../src/phase-detect.ts';
import { GraderError } from '../src/errors.ts';

describe('performance judgement', () => {
  const t = { op: '>=' as const, value: 2, unit: 'x' };
  test('thresholds compare in the stated direction', () => {
    expect(meets(2, t)).toBe(true);
    expect(meets(1.99, t)).toBe(false);
    expect(meets(5, { op: '<=', value: 8, unit: 'x' })).toBe(true);
  });
  test('a miss is judged on the median of the re-measurements', () => {
    expect(median([1, 9, 3])).toBe(3);
    expect(median([1, 2, 3, 4])).toBe(2.5);
  });
  test('runs on both sides of the threshold with a wide spread are too noisy to call', () => {
    expect(tooNoisy([1.2, 3.5, 1.4], t)).toBe(true);
    expect(tooNoisy([1.2, 1.3, 1.4], t)).toBe(false);
    expect(tooNoisy([1.9, 2.1, 1.95], t)).toBe(false);
  });
});

describe('which phase to grade', () => {
  test('from the branch name, lab.json, or --phase (which wins)', () => {
    expect(phaseFromBranch('learning/phase-0-poc')).toBe(0);
    expect(phaseFromBranch('main')).toBeUndefined();
    expect(resolvePhase(undefined, undefined, 'learning/phase-0-poc').id).toBe(0);
    expect(resolvePhase(undefined, { phase: 0, slug: 'poc' }, 'main').id).toBe(0);
    expect(resolvePhase('poc', undefined, undefined).id).toBe(0);
  });
  test('clear errors for no phase and an unknown phase', () => {
    expect(() => resolvePhase(undefined, undefined, 'main')).toThrow(GraderError);
    expect(() => resolvePhase(undefined, undefined, 'main')).toThrow(/not a learning branch.*--phase/s);
    expect(() => resolvePhase('42', undefined, undefined)).toThrow(/Unknown phase "42". Phases: 0 \(poc\)/);
  });
});
