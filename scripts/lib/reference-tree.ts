import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { materializeReference } from '../../grader/src/tree/materialize.ts';

/** The finished service (see materializeReference), built into `out` or a temp folder. */
export const buildReferenceTree = (out?: string): string => materializeReference(out);

/** Import a module of a built tree by its path relative to starter/src. */
export async function importFromTree<T>(tree: string, relToSrc: string): Promise<T> {
  return (await import(pathToFileURL(path.join(tree, 'starter/src', relToSrc)).href)) as T;
}
