import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { PHASES, branchName } from '../src/registry/index.ts';
import { lintCourse, headingAnchors } from '../src/course-lint.ts';
import { renderLearningPath } from '../src/docs/learning-path.ts';
import { REPO_ROOT } from '../src/harness/target.ts';

// The course checks itself: registry, lessons, stubs, solutions and mutants agree. On a learning
// branch the solutions are not there (and earlier phases are solved in starter/): nothing to check.
const onLearningBranch = existsSync(path.join(REPO_ROOT, 'lab.json'));

describe.skipIf(onLearningBranch)('the course', () => {
  test('registry, lessons, stubs, solutions and mutants agree', () => {
    expect(lintCourse()).toEqual([]);
  });

  test('phases are numbered in order and branches follow learning/phase-N-<slug>', () => {
    expect(PHASES.map((p) => p.id)).toEqual(PHASES.map((_, i) => i));
    expect(branchName(PHASES[0]!)).toBe('learning/phase-0-poc');
  });

  test('docs/LEARNING_PATH.md is generated from the registry (run npm run docs after editing it)', () => {
    expect(readFileSync(path.join(REPO_ROOT, 'docs/LEARNING_PATH.md'), 'utf8')).toBe(renderLearningPath());
  });

  test('heading anchors follow GitHub rules', () => {
    expect([...headingAnchors('## Exercise 0.1: Validation!\n### What `npm run grade` checks')]).toEqual([
      'exercise-01-validation',
      'what-npm-run-grade-checks',
    ]);
  });
});
