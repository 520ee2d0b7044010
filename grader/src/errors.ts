import { PHASES } from './registry/index.ts';

/**
 * Errors in how the grader was called or set up (not failures of the learner's code), each with a
 * message that says what to do. The CLI prints the message and exits with code 2.
 */
export class GraderError extends Error {
  override readonly name = 'GraderError';

  static noPhase(branch: string | undefined): GraderError {
    return new GraderError(
      `Which phase? ${branch ? `The current branch "${branch}" is not a learning branch` : 'This is not a git checkout'} and no --phase was given.\n` +
        `  Check out a phase first:  npm run branches && git checkout learning/phase-0-poc\n` +
        `  or name it:               npm run grade -- --phase 0`,
    );
  }
  static unknownPhase(value: string): GraderError {
    return new GraderError(`Unknown phase "${value}". Phases: ${PHASES.map((p) => `${p.id} (${p.slug})`).join(', ')}.`);
  }
  static notGradable(id: number): GraderError {
    return new GraderError(`Phase ${id} has no graded checks yet.`);
  }
  static branchNotFound(branch: string, available: string[]): GraderError {
    return new GraderError(
      `Branch "${branch}" not found.` +
        (available.length ? ` Learning branches here: ${available.join(', ')}.` : ' Create the learning branches with: npm run branches'),
    );
  }
  static missingDependencies(): GraderError {
    return new GraderError('Dependencies are missing (no node_modules/vitest). Run: npm install');
  }
  static badFlag(flag: string, why: string): GraderError {
    return new GraderError(`--${flag} ${why}`);
  }
}
