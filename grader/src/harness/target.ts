import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The tree being graded. The grader sets MS_TARGET to the learner's working tree, a temporary
 * worktree of a branch, or a verify tree; graded tests never import from starter/ of the grader's
 * own checkout, so the copy of the tests that grades is always the trusted one.
 */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const TARGET = path.resolve(process.env.MS_TARGET ?? REPO_ROOT);

/** Absolute path of a file of the learner's service: `targetFile('src/ingest/validate.ts')`. */
export function targetFile(relToStarter: string): string {
  return path.join(TARGET, 'starter', relToStarter);
}

/** Import a module of the learner's service by its path relative to starter/. */
export async function importTarget<T>(relToStarter: string): Promise<T> {
  return (await import(pathToFileURL(targetFile(relToStarter)).href)) as T;
}
