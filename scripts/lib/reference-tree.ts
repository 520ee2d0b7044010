import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** Import a module of a built tree by its path relative to starter/src. */
export async function importFromTree<T>(tree: string, relToSrc: string): Promise<T> {
  return (await import(pathToFileURL(path.join(tree, 'starter/src', relToSrc)).href)) as T;
}
