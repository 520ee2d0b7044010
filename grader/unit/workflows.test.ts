import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { REPO_ROOT } from '../src/harness/target.ts';

// Workflow files are checked against GitHub's schema, and the grading workflow's trust model is pinned.
const require = createRequire(import.meta.url);
const { validateWorkflow } = require('@action-validator/core') as {
  validateWorkflow(src: string): { errors: Array<{ title: string; path?: string; detail?: string }> };
};
const dir = path.join(REPO_ROOT, '.github/workflows');
const files = readdirSync(dir).filter((f) => f.endsWith('.yml'));

describe('GitHub workflows', () => {
  test.each(files)('%s is a valid workflow', (file) => {
    const { errors } = validateWorkflow(readFileSync(path.join(dir, file), 'utf8'));
    expect(errors.map((e) => `${e.title} ${e.path ?? ''} ${e.detail ?? ''}`)).toEqual([]);
  });

  test('grading runs the base branch workflow and grader, learner code sandboxed, the verdict in a job that runs none', () => {
    const src = readFileSync(path.join(dir, 'grade.yml'), 'utf8');
    const jobs = src.slice(src.indexOf('\njobs:'));
    const verdict = jobs.slice(jobs.indexOf('\n  verdict:'));
    expect(src, 'pull_request_target: this file is the base branch copy, never the PR one').toMatch(/^on:\n {2}pull_request_target:/m);
    expect(src).toMatch(/^permissions:\n {2}contents: read/m);
    expect(src).toContain('ref: ${{ github.event.pull_request.base.sha }}');
    expect(src).toContain('grade -- --branch pr-head --phase "$phase" --ci');
    expect(src, "the phase comes from the base branch's name").toContain('BASE_REF: ${{ github.event.pull_request.base.ref }}');
    expect(src, 'learner code runs without the step command files').toMatch(/env -u GITHUB_OUTPUT -u GITHUB_ENV -u GITHUB_STEP_SUMMARY/);
    expect(src, 'the sandbox is installed').toContain('apt-get install -y -qq --no-install-recommends bubblewrap');
    expect(src.match(/persist-credentials: false/g)?.length, 'no checkout leaves a token on disk').toBe(2);
    expect(verdict, 'the verdict job runs no npm, no checkout').not.toMatch(/npm |actions\/checkout/);
    expect(verdict).toContain('pull-requests: write');
    expect(verdict, 'done only for the base phase, a full run, sandboxed').toMatch(/done = r\.status === 'pass' && !r\.partial && r\.phase\?\.id === phase && sandboxed/);
    expect(verdict).toContain('core.setFailed');
    expect(src).toContain('<!-- metricstream-grade -->');
  });

  test('a broken workflow is rejected (the validator is really checking)', () => {
    expect(validateWorkflow('on: push\njobs:\n  x:\n    steps: 3\n').errors.length).toBeGreaterThan(0);
  });
});
