/**
 * The environment the learner's code runs with: what a Node program needs to run (PATH, HOME, the
 * temp folder, the locale) and the grader's own MS_* settings, nothing else. Not CI's secrets, not
 * GITHUB_OUTPUT / GITHUB_ENV / GITHUB_STEP_SUMMARY (through which a step's outputs could be forged),
 * not the grader's own MS_* variables it did not mean to pass.
 */
const ALLOWED = new Set([
  ...['PATH', 'HOME', 'TMPDIR', 'TMP', 'TEMP', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'TERM', 'CI', 'NODE_OPTIONS', 'SYSTEMROOT', 'COMSPEC', 'PATHEXT'],
  // npm run mutation: Stryker switches one mutant of the solution on through it, in the checks' processes too.
  '__STRYKER_ACTIVE_MUTANT__',
]);

export function learnerEnv(extra: Record<string, string>, from: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(from)) if (ALLOWED.has(k.toUpperCase()) && v !== undefined) env[k] = v;
  return { ...env, ...extra };
}
