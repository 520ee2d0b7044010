import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PHASES } from '../../grader/src/registry/index.ts';
import { materialize } from '../../grader/src/tree/materialize.ts';

/**
 * The finished service: starter/ with every phase's reference solution overlaid (main's starter/
 * holds the exercises as stubs). The same tree `npm start` runs; built into `out` or a temp folder.
 */
export function buildReferenceTree(out?: string): string {
  const last = PHASES.filter((p) => p.checks.length > 0).at(-1)!;
  return materialize(last, { kind: 'solution' }, undefined, { ...(out ? { out } : {}), marker: false });
}

/** Import a module of a built tree by its path relative to starter/src. */
export async function importFromTree<T>(tree: string, relToSrc: string): Promise<T> {
  return (await import(pathToFileURL(path.join(tree, 'starter/src', relToSrc)).href)) as T;
}
