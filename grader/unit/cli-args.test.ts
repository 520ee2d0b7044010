import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { REPO_ROOT } from '../src/harness/target.ts';

// A mistyped flag is the caller's mistake: a usage error (exit 2, the message, the usage), never a
// stack trace under "The grader itself failed".
const CLI_DIR = path.join(REPO_ROOT, 'grader/src/cli');

function run(cli: string, args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', path.join(CLI_DIR, cli), ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 50_000 });
}

function expectUsageError(r: ReturnType<typeof run>, message: string): void {
  expect(r.status, r.stderr).toBe(2);
  expect(r.stderr).toContain(message);
  expect(r.stderr).toMatch(/^Usage/m);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr).not.toContain('itself failed');
}

describe('command-line flags', () => {
  // Every CLI that reads flags, so `npm run <any> -- --bogus` is tested, not just grade. (`npm start`
  // hands its flags to the service, whose loadConfig reports a bad one the same way.)
  const clis = readdirSync(CLI_DIR).filter((f) => f !== 'args.ts' && /\bparseFlags\(/.test(readFileSync(path.join(CLI_DIR, f), 'utf8')));

  test('every CLI reads its flags through parseFlags, none through parseArgs directly', () => {
    expect(clis).toEqual(expect.arrayContaining(['branches.ts', 'docs.ts', 'grade.ts', 'loadtest.ts', 'mutant.ts', 'perf-sweep.ts', 'progress.ts', 'tree.ts', 'verify.ts']));
    for (const f of readdirSync(CLI_DIR).filter((f) => f !== 'args.ts')) {
      expect(readFileSync(path.join(CLI_DIR, f), 'utf8'), f).not.toMatch(/\bparseArgs\(/);
    }
  });

  test.each(clis)('%s: an unknown flag is a usage error', (cli) => {
    expectUsageError(run(cli, ['--bogus']), "Unknown option '--bogus'");
  });

  test('grade: a flag without its value, a value for a switch, and a stray argument are usage errors too', () => {
    expectUsageError(run('grade.ts', ['--phase']), "Option '--phase <value>' argument missing");
    expectUsageError(run('grade.ts', ['--json=yes']), "Option '--json' does not take an argument");
    expectUsageError(run('grade.ts', ['3']), "Unexpected argument '3'");
  });

  test('--help prints the usage and exits 0', () => {
    const r = run('grade.ts', ['--help']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('Usage: npm run grade -- [options]');
  });
});
