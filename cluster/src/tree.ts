import { cpSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../grader/src/harness/target.ts';
import { materializeReference } from '../../grader/src/tree/materialize.ts';

/**
 * The finished service with the cluster mode beside it: the reference tree (starter + every phase's
 * solution, as `npm start` runs on main) plus a copy of cluster/src. The cluster's imports of
 * `../../starter/src/...` then resolve to the finished code, and the errors its writer throws are
 * the same classes the service's HTTP layer maps to 503s (one module instance, not two).
 */
export function buildClusterTree(out?: string): string {
  const tree = materializeReference(out);
  // What builds and launches trees (this file, local/) is not part of one: a node runs main.ts and what it imports.
  const src = path.join(REPO_ROOT, 'cluster/src');
  const outside = new Set([path.join(src, 'tree.ts'), path.join(src, 'local')]);
  cpSync(src, path.join(tree, 'cluster/src'), { recursive: true, filter: (from) => !outside.has(from) });
  return tree;
}
